package org.ntmgate.node.impl;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.wire.AnswerCache;
import org.ntmgate.wire.DatagramStage;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.LoggerFactory;

/**
 * The node's requests and their answers (protocol.md 8.1, 8.2): each request is retransmitted with the same bytes
 * at 0.5, 1, 2, 4 and 4 s until its answer (matched by transaction id; its key, MAC and replay window checked by the
 * socket's decoder) comes back on the socket. Whether the DC answers is reported to a {@link Reachability} (11.5).
 */
final class NodeExchange {
    /** Told whether the DC answered a request or stayed silent through all its tries. */
    interface Reachability {
        void answered();

        void silent(String why);
    }

    /** An answer, with its bytes for a MAC checked after reading it (the login challenge, 4.3). */
    record Answer(Message message, byte[] raw) {
    }

    private record Pending(CompletableFuture<Answer> answer, MacKey key) {
    }

    private final MessageCodec codec = new MessageCodec();
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final AnswerCache held = new AnswerCache();
    private final InetSocketAddress dc;
    private final Reachability reachability;
    private volatile UdpServer udp;

    NodeExchange(InetSocketAddress dc, Reachability reachability) {
        this.dc = dc;
        this.reachability = reachability;
    }

    /** The socket requests leave by. */
    void bind(UdpServer udp) {
        this.udp = udp;
    }

    MessageCodec codec() {
        return codec;
    }

    /** Sends a request and waits for its answer, retransmitting the same bytes at 0.5, 1, 2, 4, 4 s (8.1). */
    Message request(Message.Builder b, MacKey key, InetSocketAddress to, MacKey answerKey) throws Exception {
        return exchange(b, key, to, answerKey).message();
    }

    Answer exchange(Message.Builder b, MacKey key, InetSocketAddress to, MacKey answerKey) throws Exception {
        Message m = b.sequence(sequence.incrementAndGet()).keyId(key == null ? 0 : key.id()).build();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        pending.put(m.transactionId(), new Pending(answer, answerKey));
        try {
            byte[] bytes = encode(m, key);
            long timeout = 500;
            for (int attempt = 0; attempt < 5; attempt++) {
                udp.send(Unpooled.wrappedBuffer(bytes), to, true);
                try {
                    Answer a = answer.get(timeout, TimeUnit.MILLISECONDS);
                    if (to.equals(dc)) {
                        reachability.answered();
                    }
                    return a;
                } catch (TimeoutException e) {
                    timeout = Math.min(timeout * 2, 4000);
                }
            }
            String why = "no answer from " + to + " to " + m.type() + " after 5 tries";
            if (to.equals(dc)) {
                reachability.silent(why);
            }
            throw new IOException(why);
        } finally {
            pending.remove(m.transactionId());
        }
    }

    /**
     * Before the decoder: a LOGIN_CHALLENGE answering the waiting LOGIN_REQUEST, read without its MAC (its key comes
     * from the password and the salt inside it, 4.3; the login checks the MAC on {@link Answer#raw}); called
     * only for one ({@link #isChallenge}).
     */
    void challenge(ByteBuf in) throws WireDecodeException {
        Pending p = pending.get(in.getInt(in.readerIndex() + 4));
        byte[] raw = ByteBufUtil.getBytes(in);
        p.answer().complete(new Answer(codec.decodeBeforeVerifying(in), raw));
    }

    /** A LOGIN_CHALLENGE that the waiting LOGIN_REQUEST (the one request with no answer key) waits for. */
    private boolean isChallenge(ByteBuf in) {
        if (in.readableBytes() < MessageCodec.HEADER_LENGTH || in.getUnsignedByte(in.readerIndex() + 1) != MessageType.LOGIN_CHALLENGE.code()) {
            return false;
        }
        Pending p = pending.get(in.getInt(in.readerIndex() + 4));
        return p != null && p.key() == null;
    }

    /** The handler before the decoder that takes LOGIN_CHALLENGEs ({@link #challenge}); a malformed one is counted. */
    ChannelInboundHandler challenges(Consumer<WireDecodeException.Reason> dropped) {
        return new DatagramStage(LoggerFactory.getLogger(NodeExchange.class), "NTM node: a login challenge") {
            @Override
            protected boolean takes(ByteBuf datagram) {
                return isChallenge(datagram);
            }

            @Override
            protected void take(ChannelHandlerContext ctx, DatagramPacket packet) throws WireDecodeException {
                challenge(packet.content());
            }

            @Override
            protected void dropped(WireDecodeException.Reason reason) {
                dropped.accept(reason);
            }
        };
    }

    /** The key an answer to a waiting request is MACed with, for the decoder (10.2); null when none waits with it. */
    MacKey answerKey(int keyId) {
        for (Pending p : pending.values()) {
            if (p.key() != null && p.key().id() == keyId) {
                return p.key();
            }
        }
        return null;
    }

    /**
     * A message the decoder let through that answers a waiting request (its transaction id, MACed with the key the
     * request waits for, or a keyless ERROR: 9.2, a hint that ends the request): completes it and returns true.
     */
    boolean answered(Message m) {
        Pending p = pending.get(m.transactionId());
        if (p == null) {
            return false;
        }
        boolean keyless = m.keyId() == 0;
        if (keyless ? m.type() != MessageType.ERROR : p.key() == null || p.key().id() != m.keyId()) {
            return false;
        }
        p.answer().complete(new Answer(m, null));
        return true;
    }

    /** The answers this node holds for retransmitted messages (a ROUTE_DIRECTION's acknowledgement, 8.2). */
    AnswerCache held() {
        return held;
    }

    /** Answers {@code request} from {@code to} on the socket and holds the answer, sent again when the request comes again (6.3). */
    void answer(Message request, Message.Builder b, MacKey key, InetSocketAddress to) {
        udp.send(Unpooled.wrappedBuffer(hold(request, b, key, to)), to, true);
    }

    /** The answer to {@code request} from {@code to}, encoded and held (6.3), for the caller to send. */
    byte[] hold(Message request, Message.Builder b, MacKey key, InetSocketAddress to) {
        byte[] bytes = encode(b.sequence(sequence.incrementAndGet()).keyId(key.id()).build(), key);
        held.hold(to, request, bytes, System.currentTimeMillis());
        return bytes;
    }

    private byte[] encode(Message m, MacKey key) {
        return codec.toBytes(m, key);
    }

    static String errorText(Message error) {
        String text = error.tlv(TlvType.ERROR_TEXT).map(t -> new String(t.value(), StandardCharsets.UTF_8)).orElse("");
        int code = error.tlv(TlvType.ERROR_CODE).isPresent() ? error.u16(TlvType.ERROR_CODE) : 0;
        return ErrorCode.name(code) + (text.isEmpty() ? "" : ": " + text);
    }
}
