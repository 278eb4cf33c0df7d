package org.ntmgate.teredo.impl;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.role.Threads;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.role.RoleEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Teredo server (RFC 4380 5.3): UDP 3544 on the primary and the secondary address, both handing their
 * datagrams to one decision core ({@link TeredoServer}), each answer sent from the socket the core names; echo
 * requests for native IPv6 leave on the optional TUN device.
 */
final class TeredoServerSockets implements RoleEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TeredoServerSockets.class);

    final TeredoServer core;
    private final UdpServer primary;
    private final UdpServer secondary;
    private final TunDevice tun;
    private final TunQueue tunQueue;

    private TeredoServerSockets(TeredoServer core, UdpServer primary, UdpServer secondary, TunDevice tun) throws TunException {
        this.core = core;
        this.primary = primary;
        this.secondary = secondary;
        this.tun = tun;
        this.tunQueue = tun == null ? null : tun.queue(0);
    }

    /** Opens the TUN device (when named) and binds both sockets; on failure closes what it opened and throws. */
    static TeredoServerSockets open(TeredoServerSettings s) throws Exception {
        TeredoServer core = new TeredoServer(s.primary(), s.perSecond(), s.burst());
        TunDevice tun = null;
        UdpServer primary = null;
        UdpServer secondary = null;
        Handler onPrimary = new Handler(core, false);
        Handler onSecondary = new Handler(core, true);
        try {
            if (!s.tunName().isEmpty()) {
                tun = TunDevice.open(s.tunName(), 1);
                tun.up(1280);
            }
            primary = UdpServer.bind(new InetSocketAddress(s.primary(), TeredoServer.PORT), onPrimary);
            secondary = UdpServer.bind(new InetSocketAddress(s.secondary(), TeredoServer.PORT), onSecondary);
            TeredoServerSockets running = new TeredoServerSockets(core, primary, secondary, tun);
            onPrimary.running = running;
            onSecondary.running = running;
            return running;
        } catch (Exception e) {
            Threads.close(secondary, primary, tun);
            throw e;
        }
    }

    @Override
    public String status() {
        return "serving";
    }

    @Override
    public org.ntmgate.api.health.RoleCounters counters() {
        return core.counters();
    }

    @Override
    public void close() {
        Threads.close(primary, secondary, tun);
    }

    String describe() {
        return "Teredo server on " + primary.localAddress() + " and " + secondary.localAddress();
    }

    /** One socket's datagrams to the core; its answers out of the socket the core picks. */
    private static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final TeredoServer server;
        private final boolean onSecondary;
        private volatile TeredoServerSockets running;

        Handler(TeredoServer server, boolean onSecondary) {
            this.server = server;
            this.onSecondary = onSecondary;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            TeredoServerSockets r = running;
            if (r == null) {
                return; // still opening
            }
            TeredoServer.Answer a;
            synchronized (server) { // one core for both sockets: its parser is reused
                a = server.handle(packet.content(), packet.sender(), onSecondary, System.currentTimeMillis());
            }
            if (a == null) {
                return;
            }
            if (a.toIpv6()) {
                if (r.tunQueue != null) {
                    ByteBuffer b = ByteBuffer.allocateDirect(a.payload().length).put(a.payload());
                    b.flip();
                    try {
                        r.tunQueue.write(b);
                    } catch (TunException e) {
                        LOG.warn("Teredo server: an echo request could not leave on {}: {}", r.tun.name(), e.getMessage());
                    }
                }
                return;
            }
            (a.fromSecondary() ? r.secondary : r.primary).send(Unpooled.wrappedBuffer(a.payload()), a.to(), true);
        }
    }
}
