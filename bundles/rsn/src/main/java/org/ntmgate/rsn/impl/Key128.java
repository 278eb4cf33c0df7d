package org.ntmgate.rsn.impl;

import io.netty.buffer.ByteBuf;

/**
 * A 128-bit map key (an IPv6 address, or a path id in {@code lo}). Lookups on the packet path fill a per-thread
 * probe instead of allocating a key.
 */
final class Key128 {
    long hi;
    long lo;

    Key128() {
    }

    Key128(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    static Key128 of(byte[] a16) {
        return new Key128(word(a16, 0), word(a16, 8));
    }

    static Key128 path(long id) {
        return new Key128(0, id);
    }

    /** Fills this probe with the 16 bytes at {@code at} of {@code buf}; returns it. */
    Key128 set(ByteBuf buf, int at) {
        hi = buf.getLong(at);
        lo = buf.getLong(at + 8);
        return this;
    }

    Key128 set(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
        return this;
    }

    private static long word(byte[] a, int from) {
        long w = 0;
        for (int i = from; i < from + 8; i++) {
            w = (w << 8) | (a[i] & 0xFF);
        }
        return w;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Key128 && ((Key128) o).hi == hi && ((Key128) o).lo == lo;
    }

    @Override
    public int hashCode() {
        long h = (hi * 0x9E3779B97F4A7C15L) ^ lo;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        return (int) (h ^ (h >>> 32));
    }
}
