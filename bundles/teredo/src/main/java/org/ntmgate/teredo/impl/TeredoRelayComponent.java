package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.health.RoleStatus;
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
public class TeredoRelayComponent implements RoleStatus {
    static final String PID = "org.ntmgate.teredo.relay";
    private static final Logger LOG = LoggerFactory.getLogger(TeredoRelayComponent.class);

    @Reference
    private TranslationTable table;

    private TeredoRelay relay;
    private String problem = "not configured";
    private volatile Instant since;

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
        Settings s;
        try {
            s = validate(c);
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration refused: {}.{}", e.getMessage(), relay == null ? " The Teredo relay is not relaying." : " The previous configuration keeps relaying.");
            if (relay == null) {
                problem = "configuration refused: " + e.getMessage();
            }
            return;
        }
        InetSocketAddress bind = s.bind();
        String tun = s.tunName();
        stop();
        TeredoRelay next = new TeredoRelay(bind, tun, s.peerIdle(), table);
        try {
            InetSocketAddress bound = next.start();
            relay = next;
            problem = null;
            since = Instant.now();
            LOG.info("Teredo relay on udp {} routing 2001::/32 from {}", bound, tun);
        } catch (Exception e) {
            next.close();
            problem = "could not start: " + e.getMessage();
            LOG.error("Teredo relay could not start on {} with {}: {}", bind, tun, e.getMessage());
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private void stop() {
        if (relay != null) {
            relay.close();
            relay = null;
        }
    }

    @Override
    public String role() {
        return "teredo-relay";
    }

    @Override
    public synchronized boolean serving() {
        return relay != null;
    }

    @Override
    public synchronized String detail() {
        return relay != null ? relay.status() : problem;
    }

    /** teredo:relay: socket, packets each way, bubbles, peers, drops by reason. */
    public synchronized String relay() {
        if (relay == null) {
            return "Teredo relay not relaying: " + problem;
        }
        return "Teredo relay " + relay.status() + "; dropped: " + DropCounters.describe(relay.drops());
    }

    @Override
    public synchronized org.ntmgate.api.health.RoleCounters counters() {
        return relay == null ? org.ntmgate.api.health.RoleCounters.NONE : relay.counters();
    }

    @Override
    public Instant since() {
        return serving() ? since : null;
    }
}
