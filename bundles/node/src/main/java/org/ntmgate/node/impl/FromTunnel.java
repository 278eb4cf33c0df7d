package org.ntmgate.node.impl;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramStage;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.PathCipher;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of the node's UDP pipeline: DATA from a tunnel end (protocol.md 7.11) opened and offered to the
 * TUN queue, a LAN host's flow translated back to it on the way (gateway mode, 11.4), an IPv4 flow's translated to
 * IPv4 (11.6); the receive batch's packets are written, joined per flow, when it ends (15.7). Other datagrams go on
 * to {@link NodeSignalling}. Runs on the socket's event loop; allocates nothing. Until the TUN device is open (before
 * the first registration) DATA is dropped as {@code tun_write}.
 */
final class FromTunnel extends DatagramStage {
    private static final Logger LOG = LoggerFactory.getLogger(FromTunnel.class);

    /**
     * Where opened packets go: the TUN queue, the flow translator (gateway mode and the IPv4 service; or null), the
     * node's own address, and the IPv4 service (or null).
     */
    record Link(PacketQueue queue, LanTranslator lan, byte[] self, Ipv4Service ipv4) {
    }

    private final NodeTunnels tunnels;
    private final NodeCounters counters;
    private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);
    private final ByteBuf inner = Unpooled.wrappedBuffer(tx);
    private final IpPacket ip = new IpPacket();
    private volatile Link link;
    private Ipv4Service.In ipv4;

    FromTunnel(NodeTunnels tunnels, NodeCounters counters) {
        super(LOG, "NTM node: DATA inside the node");
        this.tunnels = tunnels;
        this.counters = counters;
    }

    /** The TUN device is open: packets go to {@code link} from now on. */
    void open(Link link) {
        this.ipv4 = link.ipv4() == null ? null : link.ipv4().new In();
        this.link = link;
    }

    /** DATA, and datagrams too short to say (counted as malformed). */
    @Override
    protected boolean takes(ByteBuf datagram) {
        int type = type(datagram);
        return type == MessageType.DATA || type < 0;
    }

    @Override
    protected void take(ChannelHandlerContext ctx, DatagramPacket packet) throws WireDecodeException {
        if (type(packet.content()) < 0) {
            counters.drop(Drop.MALFORMED);
        } else {
            data(packet.content());
        }
    }

    @Override
    protected void dropped(WireDecodeException.Reason reason) {
        counters.drop(reason);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Link l = link;
        if (l != null) {
            try {
                l.queue().flush();
            } catch (TunException e) {
                counters.drop(Drop.TUN_WRITE);
            }
        }
        ctx.fireChannelReadComplete();
    }

    /** 7.11: open and hand the inner packet to the TUN device. */
    private void data(ByteBuf in) throws WireDecodeException {
        NodePath p = tunnels.byId(PathCipher.peekPathId(in));
        if (p == null) {
            counters.drop(Drop.UNKNOWN_PATH);
            return;
        }
        inner.clear();
        p.cipher.open(in, inner);
        Link l = link;
        if (l == null) {
            counters.drop(Drop.TUN_WRITE);
            return;
        }
        ByteBuffer out = tx;
        if (l.lan() != null && ip.parse(inner) == ParseStatus.OK && ip.version() == 6 && ip.destinationIs(l.self())) {
            l.lan().inbound(ip, System.currentTimeMillis()); // a LAN host's flow goes back to it; anything else is this host's
            Ipv4Service.In v4 = ipv4;
            if (v4 != null && v4.forIpv4(ip)) { // 11.6: an IPv4 flow's
                out = v4.toIpv4(ip, p.innerMtu, counters);
                if (out == null) {
                    return;
                }
            }
        }
        if (out == tx) {
            tx.clear().limit(inner.writerIndex());
        }
        try {
            int n = out.remaining();
            l.queue().offer(out);
            counters.moved(NodeCounters.RECEIVED, n);
        } catch (TunException e) {
            counters.drop(Drop.TUN_WRITE);
        }
    }
}
