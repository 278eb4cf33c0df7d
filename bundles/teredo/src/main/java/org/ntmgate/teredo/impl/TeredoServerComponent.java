package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Instant;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.UdpServer;
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
public class TeredoServerComponent implements RoleStatus {
    static final String PID = "org.ntmgate.teredo.server";
    private static final Logger LOG = LoggerFactory.getLogger(TeredoServerComponent.class);

    private TeredoServer core;
    private UdpServer primary;
    private UdpServer secondary;
    private org.ntmgate.tun.TunDevice tun;
    private org.ntmgate.tun.TunQueue tunQueue;
    private String problem = "not configured";
    private volatile Instant since;

    record Settings(Inet4Address primary, Inet4Address secondary, int perSecond, int burst, String tunName) {
    }

    static Settings validate(TeredoServerConfig c) {
        Inet4Address p = address("primaryAddress", c.primaryAddress());
        Inet4Address s = c.secondaryAddress() == null || c.secondaryAddress().isBlank() ? TeredoAddress.v4(TeredoServer.v4(p) + 1)
                : address("secondaryAddress", c.secondaryAddress());
        if (!TeredoServer.globalUnicast(TeredoServer.v4(p)) || !TeredoServer.globalUnicast(TeredoServer.v4(s))) {
            throw new InvalidConfigurationException(PID, TeredoServer.globalUnicast(TeredoServer.v4(p)) ? "secondaryAddress" : "primaryAddress",
                    "must be a global unicast IPv4 address (RFC 4380 5.2.4): clients behind NATs reach it");
        }
        if (p.equals(s)) {
            throw new InvalidConfigurationException(PID, "secondaryAddress", "must differ from the primary address");
        }
        if (c.perSecond() < 1 || c.burst() < 1) {
            throw new InvalidConfigurationException(PID, c.perSecond() < 1 ? "perSecond" : "burst", "must be at least 1");
        }
        // empty: echo requests are not forwarded
        String tun = c.tunName() == null || c.tunName().isBlank() ? "" : org.ntmgate.api.config.ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        return new Settings(p, s, c.perSecond(), c.burst(), tun);
    }

    private static Inet4Address address(String field, String text) {
        try {
            InetAddress a = InetAddress.getByName(text == null ? "" : text.trim());
            if (text == null || text.isBlank() || !(a instanceof Inet4Address)) {
                throw new InvalidConfigurationException(PID, field, "'" + text + "' is not an IPv4 address");
            }
            return (Inet4Address) a;
        } catch (java.net.UnknownHostException e) {
            throw new InvalidConfigurationException(PID, field, "'" + text + "' is not an IPv4 address");
        }
    }

    @Activate
    @Modified
    synchronized void configure(TeredoServerConfig config) {
        Settings s;
        try {
            s = validate(config);
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration refused: {}.{}", e.getMessage(), core == null ? " The Teredo server is not serving." : " The previous configuration keeps serving.");
            if (core == null) {
                problem = "configuration refused: " + e.getMessage();
            }
            return;
        }
        stop();
        TeredoServer next = new TeredoServer(s.primary(), s.perSecond(), s.burst());
        try {
            if (!s.tunName().isEmpty()) {
                tun = org.ntmgate.tun.TunDevice.open(s.tunName(), 1);
                tun.up(1280);
                tunQueue = tun.queue(0);
            }
            primary = UdpServer.bind(new InetSocketAddress(s.primary(), TeredoServer.PORT), new Handler(next, false));
            secondary = UdpServer.bind(new InetSocketAddress(s.secondary(), TeredoServer.PORT), new Handler(next, true));
            core = next;
            problem = null;
            since = Instant.now();
            LOG.info("Teredo server on udp {}:{} and {}:{} (prefix 2001:0:{}::/64)", s.primary().getHostAddress(), TeredoServer.PORT,
                    s.secondary().getHostAddress(), TeredoServer.PORT, prefixText(s.primary()));
        } catch (Exception e) {
            problem = "could not listen: " + e.getMessage();
            LOG.error("Teredo server could not listen on {} and {} port {}: {} (both addresses must be on this host)", s.primary().getHostAddress(),
                    s.secondary().getHostAddress(), TeredoServer.PORT, e.toString());
            stop();
        }
    }

    private static String prefixText(Inet4Address a) {
        int v = TeredoServer.v4(a);
        return String.format("%x:%x", v >>> 16, v & 0xFFFF);
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private void stop() {
        for (UdpServer u : new UdpServer[] { primary, secondary }) {
            if (u != null) {
                u.close();
            }
        }
        primary = null;
        secondary = null;
        core = null;
        if (tun != null) {
            tun.close();
            tun = null;
            tunQueue = null;
        }
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final TeredoServer server;
        private final boolean onSecondary;

        Handler(TeredoServer server, boolean onSecondary) {
            this.server = server;
            this.onSecondary = onSecondary;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            TeredoServer.Answer a;
            synchronized (server) { // one core for both sockets: its parser is reused
                a = server.handle(packet.content(), packet.sender(), onSecondary, System.currentTimeMillis());
            }
            if (a == null) {
                return;
            }
            if (a.toIpv6()) {
                org.ntmgate.tun.TunQueue q = tunQueue;
                if (q != null) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(a.payload().length).put(a.payload());
                    b.flip();
                    try {
                        q.write(b);
                    } catch (org.ntmgate.tun.TunException e) {
                        LOG.warn("Teredo server: an echo request could not leave on {}: {}", tun.name(), e.getMessage());
                    }
                }
                return;
            }
            UdpServer from = a.fromSecondary() ? secondary : primary;
            if (from != null) {
                from.send(Unpooled.wrappedBuffer(a.payload()), a.to(), true);
            }
        }
    }

    @Override
    public String role() {
        return "teredo-server";
    }

    @Override
    public synchronized boolean serving() {
        return core != null;
    }

    @Override
    public synchronized String detail() {
        return core != null ? "serving" : problem;
    }

    /** teredo:server: addresses, advertisements, relayed bubbles and ICMPv6, drops by reason. */
    public synchronized String server() {
        if (core == null) {
            return "Teredo server not serving: " + problem;
        }
        return "Teredo server on " + primary.localAddress() + " and " + secondary.localAddress() + ": " + core.advertisements()
                + " router advertisements, " + core.relayed() + " relayed, " + core.toIpv6() + " echo requests to IPv6; dropped: " + DropCounters.describe(core.drops());
    }

    @Override
    public synchronized org.ntmgate.api.health.RoleCounters counters() {
        return core == null ? org.ntmgate.api.health.RoleCounters.NONE : core.counters();
    }

    @Override
    public Instant since() {
        return serving() ? since : null;
    }
}
