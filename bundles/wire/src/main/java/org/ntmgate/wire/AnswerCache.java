package org.ntmgate.wire;

import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Answers held for retransmissions (protocol.md 8.2): a retransmitted request is the same datagram byte for byte, so
 * it fails the replay check; the receiver then sends the answer it gave before, if it holds one for the same sender
 * address, key, transaction id and sequence number and it is younger than {@link #HOLD_MILLIS}. Only to the same
 * address: a replay from elsewhere elicits nothing. Bounded (oldest forgotten first). Thread-safe.
 */
public final class AnswerCache {
    public static final long HOLD_MILLIS = 30_000;
    static final int MAX_ENTRIES = 16_384;

    private record Key(InetSocketAddress sender, int keyId, int transactionId, long sequence) {
    }

    private record Held(byte[] answer, long expires) {
    }

    private final Map<Key, Held> held = new LinkedHashMap<>(256, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, Held> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** Remembers the answer to the request {@code request} from {@code sender}. */
    public synchronized void hold(InetSocketAddress sender, Message request, byte[] answer, long nowMillis) {
        held.put(new Key(sender, request.keyId(), request.transactionId(), request.sequence()), new Held(answer, nowMillis + HOLD_MILLIS));
    }

    /**
     * Marks a request as being worked on (its answer comes later, from another thread): until {@link #hold}, a
     * retransmission of it finds {@link #WORKING}, which the receiver ignores (7.4).
     */
    public synchronized void working(InetSocketAddress sender, Message request, long nowMillis) {
        held.put(new Key(sender, request.keyId(), request.transactionId(), request.sequence()), new Held(WORKING, nowMillis + HOLD_MILLIS));
    }

    /** What {@link #find} returns for a request still being worked on: an empty answer, never sent. */
    public static final byte[] WORKING = new byte[0];

    /**
     * A replayed request from {@code sender} (6.3): its held answer written again on {@code ctx} (the caller flushes),
     * or nothing while it is still being worked on (7.4). False when no answer is held: then it is a replay to drop.
     */
    public boolean replay(io.netty.channel.ChannelHandlerContext ctx, InetSocketAddress sender, Message request, long nowMillis) {
        byte[] held = find(sender, request, nowMillis);
        if (held == null) {
            return false;
        }
        if (held != WORKING) {
            ctx.write(new io.netty.channel.socket.DatagramPacket(io.netty.buffer.Unpooled.wrappedBuffer(held), sender), ctx.voidPromise());
        }
        return true;
    }

    /** The answer held for this request from this sender, {@link #WORKING}, or null. */
    public synchronized byte[] find(InetSocketAddress sender, Message request, long nowMillis) {
        Held h = held.get(new Key(sender, request.keyId(), request.transactionId(), request.sequence()));
        return h == null || h.expires() < nowMillis ? null : h.answer();
    }
}
