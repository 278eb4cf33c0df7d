package org.ntmgate.rsn.impl;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.role.Key128;
import org.ntmgate.rsn.impl.RelayCounters.Drop;
import org.ntmgate.wire.AnswerCache;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.Inbound;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.SignallingDecoder;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RS-N's signalling, after {@link ToReal} and wire's {@link SignallingDecoder} in its UDP pipeline (the decoder
 * checks every message against {@link #key}, drops replays and answers a replayed request again from {@link #answers},
 * protocol.md 6.2, 6.3): RELAY_DIRECTION from a DC (7.7; a new path, answered once its entries are in the table),
 * TUNNEL_REQUEST, TUNNEL_KEEPALIVE and TEARDOWN from a node (7.9, 7.10, MACed with the path's signalling key), and
 * the RS-N's own TEARDOWN (7.10.1). Runs on the socket's event loop; {@link #tearDown} from any thread.
 */
final class RelaySignalling extends SimpleChannelInboundHandler<Inbound> {
    private static final Logger LOG = LoggerFactory.getLogger(RelaySignalling.class);

    private final RelayParts parts;
    private final MessageCodec codec = new MessageCodec();
    private final AnswerCache answers = new AnswerCache();
    /** Sequence numbers start at the time in microseconds, so that a restarted RS-N is above its past (6.1). */
    private final AtomicLong sequence;
    private final Key128 probe = new Key128();
    private volatile Channel channel;

    RelaySignalling(RelayParts parts) {
        this.parts = parts;
        this.sequence = new AtomicLong(parts.clock().getAsLong() * 1000);
    }

    /** The answers held for retransmitted requests (8.2), which the decoder sends again. */
    AnswerCache answers() {
        return answers;
    }

    /**
     * The key a message to the RS-N is MACed with: a DC's key for RELAY_DIRECTION (7.7), its path's signalling key
     * for a node's TUNNEL_REQUEST, TUNNEL_KEEPALIVE and TEARDOWN (7.9, 7.10); no other message is for the RS-N.
     */
    MacKey key(int keyId, MessageType type, long id) throws WireDecodeException {
        if (type == MessageType.RELAY_DIRECTION) {
            return parts.settings().dcKeys().get(keyId);
        }
        if (type == MessageType.TUNNEL_REQUEST || type == MessageType.TUNNEL_KEEPALIVE || type == MessageType.TEARDOWN) {
            RelayPath p = parts.paths().path(probe, id);
            if (p == null) {
                throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_PATH, "no path " + Long.toHexString(id));
            }
            return keyId == p.keyId ? p.signalling : null;
        }
        throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_TYPE, type + " is not for an RS-N");
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, Inbound in) {
        Message m = in.message();
        try {
            switch (m.type()) {
                case RELAY_DIRECTION -> relayDirection(ctx, m, in.key(), in.sender());
                case TUNNEL_REQUEST, TUNNEL_KEEPALIVE, TEARDOWN -> tunnel(ctx, m, in.sender());
                default -> parts.counters().drop(Drop.MALFORMED); // keyless: a LOGIN_REQUEST or an ERROR
            }
        } catch (WireDecodeException e) {
            parts.counters().drop(e.reason());
        } catch (RuntimeException e) {
            LOG.error("Datagram from {} failed inside the RS-N", in.sender(), e);
        }
    }

    /** 7.7: a DC asks for a path; answered once its entries are in the table and its state is stored. */
    private void relayDirection(ChannelHandlerContext ctx, Message m, MacKey key, InetSocketAddress from) throws WireDecodeException {
        long now = parts.clock().getAsLong();
        parts.counters().direction();
        Message.Builder answer;
        try {
            answer = newPath(m, key, now);
        } catch (Refusal r) {
            LOG.warn("RS-N refused relay direction for path {} from DC {}: {}", Long.toHexString(m.id()), from, r.getMessage());
            answer = Message.builder(MessageType.RELAY_DIRECTION_ACK).u8(TlvType.STATUS, r.code).tlv(TlvType.ERROR_TEXT, text(r.getMessage()));
        }
        answer.transactionId(m.transactionId()).id(m.id());
        send(ctx, answer, key, m, from, now);
    }

    private Message.Builder newPath(Message m, MacKey dcKey, long now) throws Refusal, WireDecodeException {
        if (m.tlv(TlvType.ROUTE_MODE).isPresent()) {
            throw new Refusal(ErrorCode.NOT_ALLOWED, "node-to-node relaying (7.7.1) is not offered by this RS-N");
        }
        if (m.tlv(TlvType.VIRTUAL_V6).isEmpty()) {
            throw new Refusal(ErrorCode.NO_USABLE_FAMILY, "this RS-N relays IPv6 inner packets only (no VIRTUAL_V6)");
        }
        byte[] nodeVirtual = m.bytes(TlvType.VIRTUAL_V6);
        InetAddress generalVirtual = m.address(TlvType.PEER_VIRTUAL);
        if (!(generalVirtual instanceof Inet6Address)) {
            throw new Refusal(ErrorCode.NO_USABLE_FAMILY, "the general node's virtual address is not IPv6");
        }
        InetAddress real = m.tlv(TlvType.REAL_ADDRESS).isPresent() ? m.address(TlvType.REAL_ADDRESS) : null;
        String fqdn = m.tlv(TlvType.FQDN).isPresent() ? m.fqdn() : null;
        if (real == null) {
            throw new Refusal(ErrorCode.NO_SUCH_NAME, "no REAL_ADDRESS: this RS-N relays to addresses its DC resolved");
        }
        if (!(real instanceof Inet6Address)) {
            throw new Refusal(ErrorCode.NO_USABLE_FAMILY, "the general node's real address " + real.getHostAddress() + " is not IPv6");
        }
        if (parts.settings().egressPrefix().contains(real)) {
            throw new Refusal(ErrorCode.NOT_ALLOWED, "the real address lies in this RS-N's own egress prefix");
        }
        long nodeId = m.u64(TlvType.NODE_ID);
        KeySealer.SealedKey k = KeySealer.open(parts.settings().dcKeyBytes().get(dcKey.id()), m);
        ByteBuf limitsTlv = Unpooled.wrappedBuffer(m.bytes(TlvType.RELAY_LIMITS));
        RelayLimits limits = new RelayLimits((int) Math.min(Integer.MAX_VALUE, limitsTlv.readUnsignedInt()), limitsTlv.readLong(), limitsTlv.readLong());
        byte[] egress;
        synchronized (parts.paths()) {
            RelayPath existing = parts.paths().path(m.id());
            RelayNode node = parts.paths().node(nodeId);
            int live = parts.paths().liveOf(node, m.id());
            if (limits.maxSessions() > 0 && live >= limits.maxSessions()) {
                throw new Refusal(ErrorCode.RELAY_FULL, "node " + Long.toHexString(nodeId) + " already has " + live + " path(s), its limit");
            }
            egress = node != null ? node.egress : parts.paths().allocateEgress();
            if (egress == null) {
                throw new Refusal(ErrorCode.RELAY_FULL, "no egress address left in " + parts.settings().egressPrefix());
            }
            RelayPath p = new RelayPath(m.id(), nodeId, k.keyId(), k.key(), k.lifetimeSeconds(), nodeVirtual, generalVirtual.getAddress(),
                    egress, real.getAddress(), fqdn, limits, now);
            if (existing != null) {
                p.endpoint = existing.endpoint;
                parts.paths().detach(existing, "replaced by a new relay direction (new key)");
            }
            try {
                parts.paths().attach(p);
            } catch (TableFullException e) {
                throw new Refusal(ErrorCode.RELAY_FULL, "the translation table is full");
            } catch (EntryConflictException e) {
                throw new Refusal(ErrorCode.RELAY_FULL, "a translation entry conflicts: " + e.getMessage());
            }
            if (node != null) {
                node.limits(limits, now);
            }
            // 15.6: a new key has sealed nothing yet, so its first block needs no stored reservation; the path is
            // stored right after (off this thread), and a path lost before that is never restored
            p.sendLimit = PathStore.BLOCK;
            parts.paths().storeSoon();
            LOG.info("RS-N relays {} (limits {})", p, limits);
        }
        return Message.builder(MessageType.RELAY_DIRECTION_ACK).u8(TlvType.STATUS, 0).endpoint(TlvType.EGRESS, address(egress), 0);
    }

    /** 7.9, 7.10: a node's tunnel request, keep-alive or teardown, MACed with the path's signalling key. */
    private void tunnel(ChannelHandlerContext ctx, Message m, InetSocketAddress from) throws WireDecodeException {
        RelayPath p = parts.paths().path(probe, m.id());
        if (p == null) { // gone since the decoder found it
            parts.counters().drop(Drop.UNKNOWN_PATH);
            return;
        }
        long now = parts.clock().getAsLong();
        Message.Builder answer;
        if (m.type() == MessageType.TEARDOWN) {
            parts.paths().detach(p, "torn down by " + from);
            answer = Message.builder(MessageType.TEARDOWN).u8(TlvType.STATUS, 0);
        } else {
            if (m.type() == MessageType.TUNNEL_REQUEST && m.u64(TlvType.NODE_ID) != p.nodeId) {
                parts.counters().drop(Drop.NOT_THE_NODE);
                return;
            }
            if (!from.equals(p.endpoint)) {
                LOG.info("RS-N: node {} tunnels path {} from {} (was {})", Long.toHexString(p.nodeId), Long.toHexString(p.pathId), from, p.endpoint);
                p.endpoint = from;
                parts.paths().storeSoon();
            }
            p.lastData = now;
            answer = m.type() == MessageType.TUNNEL_REQUEST
                    ? Message.builder(MessageType.TUNNEL_RESPONSE).u8(TlvType.STATUS, 0).tlv(TlvType.NONCE, m.bytes(TlvType.NONCE))
                            .u16(TlvType.INNER_MTU, parts.settings().innerMtu())
                    : Message.builder(MessageType.TUNNEL_KEEPALIVE_ACK);
        }
        answer.transactionId(m.transactionId()).id(p.pathId);
        send(ctx, answer, p.signalling, m, from, now);
    }

    /** Encodes, holds for a replayed request (6.2) and queues the answer; the batch's end flushes it. */
    private void send(ChannelHandlerContext ctx, Message.Builder answer, MacKey key, Message request, InetSocketAddress to, long now) {
        byte[] bytes = encode(answer, key);
        answers.hold(to, request, bytes, now);
        ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to), ctx.voidPromise());
    }

    /** 7.10.1: removes the path, then tells the node once (TEARDOWN, STATUS NOT_ALLOWED, MACed with the path's signalling key). */
    void tearDown(RelayPath p, String why) {
        InetSocketAddress to = p.endpoint;
        parts.paths().detach(p, why);
        Channel c = channel;
        if (to != null && c != null) {
            Message.Builder b = Message.builder(MessageType.TEARDOWN).transactionId(ThreadLocalRandom.current().nextInt()).id(p.pathId)
                    .u8(TlvType.STATUS, ErrorCode.NOT_ALLOWED);
            c.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(encode(b, p.signalling)), to), c.voidPromise());
        }
    }

    private byte[] encode(Message.Builder b, MacKey key) {
        return codec.toBytes(b.sequence(sequence.incrementAndGet()).keyId(key.id()).build(), key);
    }

    private static byte[] text(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return b.length <= 200 ? b : Arrays.copyOf(b, 200);
    }

    static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A relay direction this RS-N refuses, with the STATUS it answers. */
    private static final class Refusal extends Exception {
        private static final long serialVersionUID = 1L;
        final int code;

        Refusal(int code, String text) {
            super(text, null, false, false);
            this.code = code;
        }
    }
}
