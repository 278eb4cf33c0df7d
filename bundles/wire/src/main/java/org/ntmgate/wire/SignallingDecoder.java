package org.ntmgate.wire;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;

/**
 * UDP datagrams in, {@link Inbound} signalling messages out. A datagram that is malformed, names an unknown key,
 * fails its MAC or replays an earlier sequence number (protocol.md 6.2, per sender and key) is dropped and counted
 * in {@link WireCounters}, never passed on and never answered; nothing a datagram holds can break the pipeline.
 * Replay windows are kept per key, whatever address the sender writes from (6.2).
 * DATA datagrams are not signalling and are passed on untouched for the data path.
 */
public final class SignallingDecoder extends MessageToMessageDecoder<DatagramPacket> {
    /** At most this many replay windows (one per key) are kept; beyond it they are all forgotten. */
    static final int MAX_WINDOWS = 65_536;

    private final MessageCodec codec = new MessageCodec();
    private final KeyLookup keys;
    private final WireCounters counters;
    private final ConcurrentHashMap<Integer, ReplayWindow> windows = new ConcurrentHashMap<>();

    public SignallingDecoder(KeyLookup keys, WireCounters counters) {
        super(DatagramPacket.class);
        this.keys = keys;
        this.counters = counters;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        if (PathCipher.peekPathId(packet.content()) != 0) {
            out.add(packet.retain());
            return;
        }
        try {
            Message m = codec.decode(packet.content(), keys);
            if (m.type() != MessageType.LOGIN_REQUEST) {
                if (windows.size() >= MAX_WINDOWS) {
                    // Bounds memory. The price: a forgotten key's old sequence numbers are accepted once more, and only
                    // a holder of that key can send them.
                    windows.clear();
                }
                ReplayWindow w = windows.computeIfAbsent(m.keyId(), k -> new ReplayWindow(ReplayWindow.SIGNALLING));
                if (!w.accept(m.sequence())) {
                    counters.drop(WireDecodeException.Reason.REPLAY);
                    return;
                }
            }
            counters.accept();
            out.add(new Inbound(m, packet.sender()));
        } catch (WireDecodeException e) {
            counters.drop(e.reason());
        }
    }
}
