package org.ntmgate.node.impl;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's signalling, after {@link FromTunnel} in its UDP pipeline: answers to its requests go to
 * {@link NodeExchange}; a ROUTE_DIRECTION retransmitted after its acknowledgement was lost is acknowledged again
 * (8.2); a tunnel end's TEARDOWN closes the path (7.10.1). Anything else is counted as unexpected.
 */
final class NodeSignalling extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeSignalling.class);

    private final NodeExchange exchange;
    private final NodeTunnels tunnels;
    private final NodeCounters counters;
    private final Supplier<NtmNode.Session> session;

    NodeSignalling(NodeExchange exchange, NodeTunnels tunnels, NodeCounters counters, Supplier<NtmNode.Session> session) {
        this.exchange = exchange;
        this.tunnels = tunnels;
        this.counters = counters;
        this.session = session;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf in = packet.content();
        try {
            if (in.readableBytes() < MessageCodec.MIN_LENGTH) {
                counters.drop(Drop.MALFORMED);
                return;
            }
            if (exchange.answers(in)) {
                return;
            }
            int type = in.getUnsignedByte(in.readerIndex() + 1);
            NtmNode.Session s = session.get();
            if (s != null && MessageCodec.peekKeyId(in) == s.kNd().id() && type == MessageType.ROUTE_DIRECTION.code()) {
                routeDirectionAgain(in, packet.sender(), s);
            } else if (type == MessageType.TEARDOWN.code()) {
                tornDown(in, packet.sender());
            } else {
                counters.drop(Drop.UNEXPECTED);
            }
        } catch (WireDecodeException e) {
            counters.drop(e.reason());
        } catch (RuntimeException e) {
            LOG.error("NTM node: a datagram from {} failed inside the node", packet.sender(), e);
        }
    }

    /** 8.2: a ROUTE_DIRECTION retransmitted after we acknowledged it (our ACK was lost): acknowledge again. */
    private void routeDirectionAgain(ByteBuf in, InetSocketAddress from, NtmNode.Session s) throws WireDecodeException {
        Message m = exchange.codec().decode(in, (id, t, n) -> id == s.kNd().id() ? s.kNd() : null);
        if (tunnels.has(m.id())) {
            exchange.send(Message.builder(MessageType.ROUTE_DIRECTION_ACK).transactionId(m.transactionId()).id(m.id()).u8(TlvType.STATUS, 0), s.kNd(), from);
            return;
        }
        LOG.warn("NTM node: a route direction for path {} that this node did not ask for (node-to-node targets are not served yet)", Long.toHexString(m.id()));
        counters.drop(Drop.UNEXPECTED);
    }

    /**
     * protocol.md 7.10.1: the tunnel end closed a path (the RS-N's policy no longer allows it, or its administrator
     * disconnected it). The path goes, so the next query for its name asks the DC again; answered TEARDOWN (STATUS OK).
     */
    private void tornDown(ByteBuf in, InetSocketAddress from) throws WireDecodeException {
        NodePath p = tunnels.byId(in.getLong(in.readerIndex() + 16));
        if (p == null) {
            counters.drop(Drop.UNKNOWN_PATH);
            return;
        }
        Message m = exchange.codec().decode(in, (id, t, n) -> n == p.pathId && id == p.signalling.id() ? p.signalling : null);
        if (!exchange.accept(p.signalling.id(), m.sequence())) {
            counters.drop(Drop.REPLAY);
            return;
        }
        int status = m.tlv(TlvType.STATUS).isPresent() ? m.u8(TlvType.STATUS) : 0;
        if (tunnels.remove(p)) {
            LOG.warn("NTM node: path {} to {} ({}) was closed by {}: {}; the next query for the name asks the DC again", Long.toHexString(p.pathId), p.name,
                    p.peer().getHostAddress(), from, ErrorCode.name(status));
        }
        exchange.send(Message.builder(MessageType.TEARDOWN).transactionId(m.transactionId()).id(p.pathId).u8(TlvType.STATUS, 0), p.signalling, from);
    }
}
