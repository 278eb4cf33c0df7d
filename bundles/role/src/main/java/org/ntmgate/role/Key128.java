package org.ntmgate.role;

import io.netty.buffer.ByteBuf;

/**
 * A 128-bit map key (an IPv6 address, or a path id in {@code lo}). Lookups on the packet path fill a per-thread
 * probe instead of allocating a key; a key put in a map is never changed after.
 */
public final class Key128 {
    private long hi;
    private long lo;

    public Key128() {
    }

    public Key128(long hi, long lo) {
        this.hi = hi;
        this.lo = lo;
    }

    public static Key128 of(byte[] a16) {
        return of(a16, 0);
    }

    /** The 16 bytes of {@code a} at {@code at}. */
    public static Key128 of(byte[] a, int at) {
        return new Key128(word(a, at), word(a, at + 8));
    }

    public static Key128 path(long id) {
        return new Key128(0, id);
    }

    /** A new key of the 16 bytes at {@code at} of {@code buf} (one to put in a map). */
    public static Key128 of(ByteBuf buf, int at) {
        return new Key128(buf.getLong(at), buf.getLong(at + 8));
    }

    /** Fills this probe with the 16 bytes at {@code at} of {@code buf}; returns it. */
    public Key128 set(ByteBuf buf, int at) {
        hi = buf.getLong(at);
        lo = buf.getLong(at + 8);
        return this;
    }

    /** Fills this probe with the 16 bytes of {@code a} at {@code at}; returns it. */
    public Key128 set(byte[] a, int at) {
        hi = word(a, at);
        lo = word(a, at + 8);
        return this;
    }

    public Key128 set(long hi, long lo) {
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
