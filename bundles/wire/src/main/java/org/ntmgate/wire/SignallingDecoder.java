package org.ntmgate.wire;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;

/**
 * UDP datagrams in, {@link Inbound} signalling messages out: the one place a role checks what it receives, in the
 * order of protocol.md 10.2 (size and version, length, key known, MAC, replay window, TLVs). A datagram that is
 * malformed, names an unknown key or path, or fails its MAC is dropped and counted by reason, never passed on and
 * never answered; nothing a datagram holds can break the pipeline. Replay windows are kept per key (its id and
 * bytes: two keys that share an id do not share a window), whatever address the sender writes from (6.2). A replayed
 * request whose answer is held ({@link AnswerCache}, 6.3 and 8.2) is answered again with the held bytes (flushed at
 * the end of the read batch), one still being worked on is ignored (7.4), and any other replay is dropped and counted.
 * DATA datagrams are not signalling and are passed on untouched for the data path. One decoder per channel: it runs
 * on the channel's event loop.
 */
public final class SignallingDecoder extends MessageToMessageDecoder<DatagramPacket> {
    /** At most this many replay windows (one per key) are kept; beyond it they are all forgotten. */
    static final int MAX_WINDOWS = 65_536;

    private final MessageCodec codec = new MessageCodec();
    private final KeyLookup keys;
    private final Consumer<WireDecodeException.Reason> dropped;
    private final Runnable accepted;
    private final AnswerCache answers;
    private final LongSupplier clock;
    private final ConcurrentHashMap<MacKey, ReplayWindow> windows = new ConcurrentHashMap<>();
    /** The key the last lookup found: the one the message verified with. */
    private MacKey found;
    private final KeyLookup recording;
    /** Whether this read batch wrote a held answer, flushed when the batch ends. */
    private boolean wrote;

    /** A decoder counting into {@code counters}; replays are dropped (no answers are held). */
    public SignallingDecoder(KeyLookup keys, WireCounters counters) {
        this(keys, counters::drop, counters::accept, null, System::currentTimeMillis);
    }

    /**
     * @param dropped told the reason of every datagram dropped
     * @param answers the answers the role holds for retransmitted requests (null: none, replays are dropped)
     * @param clock   milliseconds, as the role's {@link AnswerCache} is filled
     */
    public SignallingDecoder(KeyLookup keys, Consumer<WireDecodeException.Reason> dropped, AnswerCache answers, LongSupplier clock) {
        this(keys, dropped, () -> {
        }, answers, clock);
    }

    private SignallingDecoder(KeyLookup keys, Consumer<WireDecodeException.Reason> dropped, Runnable accepted, AnswerCache answers, LongSupplier clock) {
        super(DatagramPacket.class);
        this.keys = keys;
        this.dropped = dropped;
        this.accepted = accepted;
        this.answers = answers;
        this.clock = clock;
        this.recording = (id, type, n) -> found = keys.find(id, type, n);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        if (PathCipher.peekPathId(packet.content()) != 0) {
            out.add(packet.retain());
            return;
        }
        try {
            found = null;
            Message m = codec.decode(packet.content(), recording);
            if (found != null && !fresh(found, m)) {
                replayed(ctx, m, packet);
                return;
            }
            accepted.run();
            out.add(new Inbound(m, packet.sender(), found));
        } catch (WireDecodeException e) {
            dropped.accept(e.reason());
        }
    }

    private boolean fresh(MacKey key, Message m) {
        if (windows.size() >= MAX_WINDOWS) {
            // Bounds memory. The price: a forgotten key's old sequence numbers are accepted once more, and only a
            // holder of that key can send them.
            windows.clear();
        }
        return windows.computeIfAbsent(key, k -> new ReplayWindow(ReplayWindow.SIGNALLING)).accept(m.sequence());
    }

    /** 6.3: the held answer again to the same address; a request still being worked on is ignored (7.4). */
    private void replayed(ChannelHandlerContext ctx, Message m, DatagramPacket packet) {
        if (answers != null && answers.replay(ctx, packet.sender(), m, clock.getAsLong())) {
            wrote = true;
        } else {
            dropped.accept(WireDecodeException.Reason.REPLAY);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (wrote) {
            wrote = false;
            ctx.flush();
        }
        super.channelReadComplete(ctx);
    }
}
