package org.ntmgate.rsn.impl;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.role.Key128;
import org.ntmgate.rsn.impl.RelayCounters.Drop;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramStage;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.PathCipher;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first handler of the RS-N's UDP pipeline: DATA from the nodes (protocol.md 7.11, 15.3), opened, checked
 * against its path's addresses and the node's rate limits, translated (node virtual -> egress, general virtual ->
 * real) and offered to the TUN queue; the receive batch's packets are written, joined per flow, when it ends (15.7).
 * Every other datagram goes on to {@link RelaySignalling}. Runs on the socket's event loop; allocates nothing.
 */
final class ToReal extends DatagramStage {
    private static final Logger LOG = LoggerFactory.getLogger(ToReal.class);

    private final RelayParts parts;
    private final IpPacket ip = new IpPacket();
    private final Key128 probe = new Key128();
    private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);
    private final ByteBuf txBuf = Unpooled.wrappedBuffer(tx);

    ToReal(RelayParts parts) {
        super(LOG, "DATA inside the RS-N");
        this.parts = parts;
    }

    @Override
    protected boolean takes(ByteBuf datagram) {
        return type(datagram) == MessageType.DATA;
    }

    @Override
    protected void take(ChannelHandlerContext ctx, DatagramPacket packet) throws WireDecodeException {
        data(packet.content(), packet.sender());
    }

    @Override
    protected void dropped(WireDecodeException.Reason reason) {
        parts.counters().drop(reason);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            parts.queue().flush(); // 15.7: the batch's segments, joined per flow
        } catch (TunException e) {
            parts.counters().drop(Drop.TUN_WRITE);
        }
        ctx.fireChannelReadComplete();
    }

    private void data(ByteBuf in, InetSocketAddress from) throws WireDecodeException {
        long id = PathCipher.peekPathId(in);
        RelayPath p = id == 0 ? null : parts.paths().path(probe, id);
        if (p == null) {
            parts.counters().drop(Drop.UNKNOWN_PATH);
            return;
        }
        txBuf.clear();
        p.cipher.open(in, txBuf);
        long now = parts.clock().getAsLong();
        p.lastData = now;
        if (!from.equals(p.endpoint)) {
            LOG.info("RS-N: node {} now at {} on path {} (was {})", Long.toHexString(p.nodeId), from, Long.toHexString(p.pathId), p.endpoint);
            p.endpoint = from; // 7.3: an authentic packet from a new endpoint moves the path
            parts.paths().storeSoon();
        }
        if (!parts.counters().ipv6(ip, txBuf)) {
            return;
        }
        if (!ip.sourceIs(p.nodeVirtual) || !ip.destinationIs(p.generalVirtual)) {
            parts.counters().drop(Drop.WRONG_ADDRESS);
            return;
        }
        int length = ip.length();
        RelayNode node = p.node;
        if (!node.packetsToReal.take(1, now) || !node.bytesToReal.take(length, now)) {
            parts.counters().drop(Drop.RATE_LIMITED);
            return;
        }
        ip.rewriteSource(node.egress);
        ip.rewriteDestination(p.real);
        tx.clear().limit(length);
        try {
            parts.queue().offer(tx);
        } catch (TunException e) {
            parts.counters().drop(Drop.TUN_WRITE);
            return;
        }
        parts.counters().moved(RelayCounters.TO_REAL, length);
        p.toReal.count(length);
        p.nodeEntry.recordToReal(length);
        p.generalEntry.recordToReal(length);
    }
}
