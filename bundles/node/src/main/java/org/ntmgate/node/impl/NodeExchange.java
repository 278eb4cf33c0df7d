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

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.ReplayWindow;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.wire.WireDecodeException;

/**
 * The node's requests and their answers (protocol.md 8.1, 8.2): each request is retransmitted with the same bytes
 * at 0.5, 1, 2, 4 and 4 s until its answer (matched by transaction id, MAC checked, replays dropped per key) comes
 * back on the socket. Whether the DC answers is reported to a {@link Reachability} (11.5).
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
    private final Map<Integer, ReplayWindow> windows = new ConcurrentHashMap<>();
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

    /** Sends a message that expects no answer (an acknowledgement). */
    void send(Message.Builder b, MacKey key, InetSocketAddress to) {
        Message m = b.sequence(sequence.incrementAndGet()).keyId(key.id()).build();
        udp.send(Unpooled.wrappedBuffer(encode(m, key)), to, true);
    }

    /**
     * A datagram that answers a waiting request: completes it and returns true (or drops a replay, returning true);
     * false when no request waits for its transaction id.
     */
    boolean answers(ByteBuf in) throws WireDecodeException {
        Pending p = pending.get(in.getInt(in.readerIndex() + 4));
        if (p == null) {
            return false;
        }
        int keyId = MessageCodec.peekKeyId(in);
        byte[] raw = ByteBufUtil.getBytes(in);
        Message m = keyId == 0 || p.key() == null ? codec.decodeBeforeVerifying(in) : codec.decode(in, (id, t, n) -> id == p.key().id() ? p.key() : null);
        if (m.type() == org.ntmgate.wire.MessageType.ERROR && keyId == 0 && p.key() != null) {
            // keyless ERROR (9.2): a hint only; the request gives up at its timeout unless it is final
            p.answer().complete(new Answer(m, raw));
            return true;
        }
        if (keyId != 0 && !accept(keyId, m.sequence())) {
            throw new WireDecodeException(WireDecodeException.Reason.REPLAY, "replayed answer");
        }
        p.answer().complete(new Answer(m, raw));
        return true;
    }

    /** Whether {@code sequence} is new for {@code keyId} (6.2). */
    boolean accept(int keyId, long sequence) {
        return windows.computeIfAbsent(keyId, k -> new ReplayWindow(ReplayWindow.SIGNALLING)).accept(sequence);
    }

    private byte[] encode(Message m, MacKey key) {
        ByteBuf out = Unpooled.buffer(256);
        codec.encode(m, key, out);
        return ByteBufUtil.getBytes(out);
    }

    static String errorText(Message error) {
        String text = error.tlv(TlvType.ERROR_TEXT).map(t -> new String(t.value(), StandardCharsets.UTF_8)).orElse("");
        int code = error.tlv(TlvType.ERROR_CODE).isPresent() ? error.u16(TlvType.ERROR_CODE) : 0;
        return ErrorCode.name(code) + (text.isEmpty() ? "" : ": " + text);
    }
}
