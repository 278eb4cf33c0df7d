package org.ntmgate.role;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunException;

/**
 * A {@link PacketQueue} in memory, for driving a role's data path without a TUN device (unit tests, benchmarks):
 * packets put with {@link #deliver} are read in order; what the role writes is kept, in order, for {@link #written};
 * offered packets are kept back until {@link #flush}, as a TUN queue with offloads may.
 */
public final class MemoryQueue implements PacketQueue {
    private final Deque<byte[]> toRead = new ArrayDeque<>();
    private final List<byte[]> held = new ArrayList<>();
    private final List<byte[]> written = new ArrayList<>();

    /** A packet as if the kernel routed it to the device. */
    public synchronized void deliver(byte[] packet) {
        toRead.add(packet.clone());
    }

    /** Every packet written so far (flushed offers included), oldest first; the list is emptied. */
    public synchronized List<byte[]> written() {
        List<byte[]> out = new ArrayList<>(written);
        written.clear();
        return out;
    }

    /** How many offered packets wait for {@link #flush}. */
    public synchronized int held() {
        return held.size();
    }

    @Override
    public synchronized int read(ByteBuffer buf, int timeoutMillis) throws TunException {
        byte[] p = toRead.poll();
        if (p == null) {
            return 0;
        }
        buf.put(p);
        return p.length;
    }

    @Override
    public synchronized int write(ByteBuffer buf) {
        flush();
        byte[] p = take(buf);
        written.add(p);
        return p.length;
    }

    @Override
    public synchronized void offer(ByteBuffer buf) {
        held.add(take(buf));
    }

    @Override
    public synchronized void flush() {
        written.addAll(held);
        held.clear();
    }

    @Override
    public String offloadSummary() {
        return "in memory";
    }

    private static byte[] take(ByteBuffer buf) {
        byte[] p = new byte[buf.remaining()];
        buf.get(p);
        return p;
    }
}
