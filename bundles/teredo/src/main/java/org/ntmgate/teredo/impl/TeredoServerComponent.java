package org.ntmgate.teredo.impl;

import java.net.Inet4Address;

import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.ntmgate.wire.DropCounters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teredo server role: UDP 3544 on its primary and secondary addresses, one decision core ({@link TeredoServer})
 * for both, so a datagram is answered from the socket the core picks. A refused configuration keeps the previous one.
 */
@Component(service = { TeredoServerComponent.class, RoleStatus.class }, configurationPid = TeredoServerComponent.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true)
@Designate(ocd = TeredoServerConfig.class)
public class TeredoServerComponent implements RunnerStatus<TeredoServerSockets> {
    static final String PID = TeredoServerSettings.PID;
    private static final Logger LOG = LoggerFactory.getLogger(TeredoServerComponent.class);

    private final RoleRunner<TeredoServerSettings, TeredoServerSockets> runner = new RoleRunner<>(LOG, GatewayRoles.TEREDO_SERVER, "serving",
            s -> "on " + s.primary().getHostAddress() + " and " + s.secondary().getHostAddress() + " port " + TeredoServer.PORT
                    + " (both addresses must be on this host)");

    @Activate
    @Modified
    synchronized void configure(TeredoServerConfig config) {
        runner.configure(config, TeredoServerSettings::of, TeredoServerSockets::open, (s, sockets) -> LOG.info(
                "Teredo server on udp {}:{} and {}:{} (prefix 2001:0:{}::/64)", s.primary().getHostAddress(), TeredoServer.PORT, s.secondary().getHostAddress(),
                TeredoServer.PORT, prefixText(s.primary())));
    }

    private static String prefixText(Inet4Address a) {
        int v = TeredoServer.v4(a);
        return String.format("%x:%x", v >>> 16, v & 0xFFFF);
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    @Override
    public RoleRunner<TeredoServerSettings, TeredoServerSockets> runner() {
        return runner;
    }

    /** teredo:server: addresses, advertisements, relayed bubbles and ICMPv6, drops by reason. */
    @Override
    public String details() {
        return runner.view(r -> r.describe() + ": " + r.core.count(TeredoServer.Count.ADVERTISEMENTS) + " router advertisements, " + r.core.count(TeredoServer.Count.RELAYED)
                + " relayed, " + r.core.count(TeredoServer.Count.TO_IPV6)
                + " echo requests to IPv6; dropped: " + DropCounters.describe(r.core.drops()));
    }
}
