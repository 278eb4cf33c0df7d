package org.ntmgate.table.impl;

import java.util.function.LongSupplier;

/**
 * Wall-clock milliseconds, read per packet without a system call: {@link #tick()} refreshes the cached value (the
 * table's timer does so every second). Wall time rather than nanoTime, because last-use and creation times are
 * shown to administrators and survive restarts in the snapshot.
 */
final class CoarseClock {
    private final LongSupplier source;
    private volatile long now;

    CoarseClock(LongSupplier source) {
        this.source = source;
        this.now = source.getAsLong();
    }

    long now() {
        return now;
    }

    long tick() {
        now = source.getAsLong();
        return now;
    }
}
