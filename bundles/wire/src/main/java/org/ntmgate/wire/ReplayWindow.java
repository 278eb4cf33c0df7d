package org.ntmgate.wire;

/**
 * A sliding anti-replay window over 64-bit sequence numbers (protocol.md 6.2, after RFC 4303 section 3.4.3):
 * the highest number accepted and a bitmap of the {@code size} numbers below it. Call {@link #accept} only after
 * the MAC or AEAD check passed, so forged packets cannot move the window. Thread-safe.
 */
public final class ReplayWindow {
    /** Window of signalling messages. */
    public static final int SIGNALLING = 64;
    /** Window of DATA packets, wide enough for reordering across several queues. */
    public static final int DATA = 1024;

    private final int size;
    private final long[] bits;
    private long highest;

    public ReplayWindow(int size) {
        if (size < 64 || size % 64 != 0) {
            throw new IllegalArgumentException("window size is a positive multiple of 64");
        }
        this.size = size;
        this.bits = new long[size / 64];
    }

    /** True, and the number is recorded, when {@code seq} is new and inside the window; false for a replay. */
    public synchronized boolean accept(long seq) {
        if (seq <= 0) {
            return false; // sequence numbers start at 1 (6.1)
        }
        if (seq > highest) {
            long shift = seq - highest;
            if (shift >= size) {
                java.util.Arrays.fill(bits, 0L);
            } else {
                for (long s = highest + 1; s <= seq; s++) {
                    clear(s);
                }
            }
            highest = seq;
            set(seq);
            return true;
        }
        if (highest - seq >= size) {
            return false; // below the window
        }
        if (isSet(seq)) {
            return false;
        }
        set(seq);
        return true;
    }

    /**
     * Starts the window at {@code seq} as if it had been seen (and everything below it): a receiver that restarted
     * with a stored high-water mark refuses what it may have accepted before (protocol.md 15.6).
     */
    public synchronized void advanceTo(long seq) {
        if (seq > highest) {
            java.util.Arrays.fill(bits, -1L);
            highest = seq;
        }
    }

    public synchronized long highest() {
        return highest;
    }

    private int index(long seq) {
        return (int) ((seq % size) >>> 6);
    }

    private long mask(long seq) {
        return 1L << (seq & 63);
    }

    private void set(long seq) {
        bits[index(seq)] |= mask(seq);
    }

    private void clear(long seq) {
        bits[index(seq)] &= ~mask(seq);
    }

    private boolean isSet(long seq) {
        return (bits[index(seq)] & mask(seq)) != 0;
    }
}
