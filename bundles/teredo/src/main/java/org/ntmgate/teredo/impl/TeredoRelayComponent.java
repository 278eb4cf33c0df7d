package org.ntmgate.teredo.impl;


import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.wire.DropCounters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Teredo relay role (RFC 4380 5.4): present only when PID {@code org.ntmgate.teredo.relay} is configured. */
@Component(service = { TeredoRelayComponent.class, RoleStatus.class }, configurationPid = TeredoRelayComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = TeredoRelayConfig.class)
public class TeredoRelayComponent implements RunnerStatus<TeredoRelay> {
    static final String PID = TeredoRelaySettings.PID;
    private static final Logger LOG = LoggerFactory.getLogger(TeredoRelayComponent.class);

    @Reference
    private TranslationTable table;

    private final RoleRunner<TeredoRelaySettings, TeredoRelay> runner = new RoleRunner<>(LOG, GatewayRoles.TEREDO_RELAY, "relaying",
            s -> "on " + s.bind() + " with " + s.tunName());

    @Activate
    @Modified
    synchronized void configure(TeredoRelayConfig c) {
        runner.configure(c, TeredoRelaySettings::of, s -> new TeredoRelay(s.bind(), s.tunName(), s.peerIdle(), table),
                (s, relay) -> LOG.info("Teredo relay on udp {} routing 2001::/32 from {}", relay.start(), s.tunName()));
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    @Override
    public RoleRunner<TeredoRelaySettings, TeredoRelay> runner() {
        return runner;
    }

    /** teredo:relay: socket, packets each way, bubbles, peers, drops by reason. */
    @Override
    public String details() {
        return runner.view(r -> "Teredo relay " + r.status() + "; dropped: " + DropCounters.describe(r.drops()));
    }
}
