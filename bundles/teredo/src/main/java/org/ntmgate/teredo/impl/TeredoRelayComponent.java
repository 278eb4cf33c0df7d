package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;
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
    static final String PID = "org.ntmgate.teredo.relay";
    private static final Logger LOG = LoggerFactory.getLogger(TeredoRelayComponent.class);

    @Reference
    private TranslationTable table;

    private final RoleRunner<Settings, TeredoRelay> runner = new RoleRunner<>(LOG, "Teredo relay", "relaying",
            s -> "on " + s.bind() + " with " + s.tunName());

    /** A validated relay configuration. */
    record Settings(InetSocketAddress bind, String tunName, Duration peerIdle) {
    }

    static Settings validate(TeredoRelayConfig c) {
        InetAddress a;
        try {
            a = InetAddress.getByName(c.bindAddress() == null || c.bindAddress().isBlank() ? "-" : c.bindAddress().trim());
        } catch (java.net.UnknownHostException e) {
            throw new InvalidConfigurationException(PID, "bindAddress", "'" + c.bindAddress() + "' is not an IPv4 address");
        }
        if (!(a instanceof Inet4Address) || !TeredoServer.globalUnicast(TeredoServer.v4((Inet4Address) a))) {
            throw new InvalidConfigurationException(PID, "bindAddress", "must be a global unicast IPv4 address (clients answer to it), not " + c.bindAddress());
        }
        if (c.port() < 0 || c.port() > 65535) {
            throw new InvalidConfigurationException(PID, "port", "must be 0..65535");
        }
        String tun = org.ntmgate.api.config.ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        if (c.peerIdleSeconds() < 30) {
            throw new InvalidConfigurationException(PID, "peerIdleSeconds", "must be at least 30");
        }
        return new Settings(new InetSocketAddress(a, c.port()), tun, Duration.ofSeconds(c.peerIdleSeconds()));
    }

    @Activate
    @Modified
    synchronized void configure(TeredoRelayConfig c) {
        runner.configure(c, TeredoRelayComponent::validate, s -> new TeredoRelay(s.bind(), s.tunName(), s.peerIdle(), table),
                (s, relay) -> LOG.info("Teredo relay on udp {} routing 2001::/32 from {}", relay.start(), s.tunName()));
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    @Override
    public String role() {
        return "teredo-relay";
    }

    @Override
    public RoleRunner<Settings, TeredoRelay> runner() {
        return runner;
    }

    @Override
    public String detail(TeredoRelay r) {
        return r.status();
    }

    @Override
    public RoleCounters counters(TeredoRelay r) {
        return r.counters();
    }

    /** teredo:relay: socket, packets each way, bubbles, peers, drops by reason. */
    public String relay() {
        return runner.view(r -> "Teredo relay " + r.status() + "; dropped: " + DropCounters.describe(r.drops()));
    }
}
