package org.ntmgate.node.impl;

import java.net.InetSocketAddress;
import java.util.function.Supplier;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.Inbound;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.SignallingDecoder;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's signalling, after {@link FromTunnel} and wire's {@link SignallingDecoder} in its UDP pipeline (the
 * decoder checks each message against {@link #key}, drops replays and sends a held acknowledgement again): answers to
 * its requests go to {@link NodeExchange}; a ROUTE_DIRECTION for a path it holds is acknowledged (8.2); a tunnel
 * end's TEARDOWN closes the path (7.10.1). Anything else is counted as unexpected.
 */
final class NodeSignalling extends SimpleChannelInboundHandler<Inbound> {
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

    /**
     * The key a message to the node is MACed with (10.2): K_nd (the DC), the key a waiting request's answer comes
     * with (the AS's login key), or a path's signalling key (its tunnel end).
     */
    MacKey key(int keyId, MessageType type, long id) throws WireDecodeException {
        NtmNode.Session s = session.get();
        if (s != null && keyId == s.kNd().id()) {
            return s.kNd();
        }
        MacKey answer = exchange.answerKey(keyId);
        if (answer != null) {
            return answer;
        }
        NodePath p = tunnels.byId(id);
        if (p == null && (type == MessageType.TEARDOWN || type == MessageType.TUNNEL_KEEPALIVE_ACK || type == MessageType.TUNNEL_RESPONSE)) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_PATH, "no path " + Long.toHexString(id));
        }
        return p != null && keyId == p.signalling.id() ? p.signalling : null;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Inbound in) {
        Message m = in.message();
        try {
            if (exchange.answered(m)) {
                return;
            }
            NtmNode.Session s = session.get();
            if (s != null && m.keyId() == s.kNd().id() && m.type() == MessageType.ROUTE_DIRECTION) {
                routeDirectionAgain(ctx, m, in.sender(), s);
            } else if (m.type() == MessageType.TEARDOWN) {
                tornDown(ctx, m, in.sender());
            } else {
                counters.drop(Drop.UNEXPECTED);
            }
        } catch (RuntimeException e) {
            LOG.error("NTM node: a datagram from {} failed inside the node", in.sender(), e);
        }
    }

    /** 8.2: a ROUTE_DIRECTION for a path this node holds whose acknowledgement it no longer has: acknowledged again. */
    private void routeDirectionAgain(ChannelHandlerContext ctx, Message m, InetSocketAddress from, NtmNode.Session s) {
        if (tunnels.has(m.id())) {
            answer(ctx, m, Message.builder(MessageType.ROUTE_DIRECTION_ACK).transactionId(m.transactionId()).id(m.id()).u8(TlvType.STATUS, 0), s.kNd(), from);
            return;
        }
        LOG.warn("NTM node: a route direction for path {} that this node did not ask for (node-to-node targets are not served yet)", Long.toHexString(m.id()));
        counters.drop(Drop.UNEXPECTED);
    }

    /**
     * protocol.md 7.10.1: the tunnel end closed a path (the RS-N's policy no longer allows it, or its administrator
     * disconnected it). The path goes, so the next query for its name asks the DC again; answered TEARDOWN (STATUS OK).
     */
    private void tornDown(ChannelHandlerContext ctx, Message m, InetSocketAddress from) {
        NodePath p = tunnels.byId(m.id());
        if (p == null || m.keyId() != p.signalling.id()) {
            counters.drop(Drop.UNKNOWN_PATH);
            return;
        }
        int status = m.tlv(TlvType.STATUS).isPresent() ? m.u8(TlvType.STATUS) : 0;
        if (tunnels.remove(p)) {
            LOG.warn("NTM node: path {} to {} ({}) was closed by {}: {}; the next query for the name asks the DC again", Long.toHexString(p.pathId), p.name,
                    p.peer().getHostAddress(), from, ErrorCode.name(status));
        }
        answer(ctx, m, Message.builder(MessageType.TEARDOWN).transactionId(m.transactionId()).id(p.pathId).u8(TlvType.STATUS, 0), p.signalling, from);
    }

    /** Sends the answer on this channel, held for the request's retransmission (6.3). */
    private void answer(ChannelHandlerContext ctx, Message request, Message.Builder b, MacKey key, InetSocketAddress to) {
        ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(exchange.hold(request, b, key, to)), to), ctx.voidPromise());
    }
}
