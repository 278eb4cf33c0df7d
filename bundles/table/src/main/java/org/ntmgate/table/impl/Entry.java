package org.ntmgate.table.impl;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.TranslationEntry;

/**
 * A table entry. Counters are plain longs updated through VarHandles (atomic adds, no per-entry LongAdder cells)
 * to keep an entry small: the table is sized for a million of them.
 */
final class Entry implements TranslationEntry {
    private static final VarHandle PACKETS_TO_REAL;
    private static final VarHandle BYTES_TO_REAL;
    private static final VarHandle PACKETS_TO_VIRTUAL;
    private static final VarHandle BYTES_TO_VIRTUAL;
    private static final VarHandle LIVE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PACKETS_TO_REAL = l.findVarHandle(Entry.class, "packetsToReal", long.class);
            BYTES_TO_REAL = l.findVarHandle(Entry.class, "bytesToReal", long.class);
            PACKETS_TO_VIRTUAL = l.findVarHandle(Entry.class, "packetsToVirtual", long.class);
            BYTES_TO_VIRTUAL = l.findVarHandle(Entry.class, "bytesToVirtual", long.class);
            LIVE = l.findVarHandle(Entry.class, "live", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id;
    private final EntryKind kind;
    private final Endpoint virtualSide;
    private final Endpoint realSide;
    private final EntryOwner owner;
    private final long createdAtMillis;
    private final long idleTimeoutMillis;
    private final CoarseClock clock;
    private volatile long lastUsedMillis;
    private volatile long packetsToReal;
    private volatile long bytesToReal;
    private volatile long packetsToVirtual;
    private volatile long bytesToVirtual;
    private volatile boolean live = true;

    Entry(long id, EntryKind kind, Endpoint virtualSide, Endpoint realSide, EntryOwner owner, long createdAtMillis,
            long lastUsedMillis, long idleTimeoutMillis, CoarseClock clock) {
        this.id = id;
        this.kind = kind;
        this.virtualSide = virtualSide;
        this.realSide = realSide;
        this.owner = owner;
        this.createdAtMillis = createdAtMillis;
        this.lastUsedMillis = lastUsedMillis;
        this.idleTimeoutMillis = idleTimeoutMillis;
        this.clock = clock;
    }

    /** Restores counters read from a snapshot; only before the entry is published. */
    void restoreCounters(long pToReal, long bToReal, long pToVirtual, long bToVirtual) {
        packetsToReal = pToReal;
        bytesToReal = bToReal;
        packetsToVirtual = pToVirtual;
        bytesToVirtual = bToVirtual;
    }

    /** Starts the idle timer afresh: restored entries do not count the gateway's downtime as idleness. */
    void resetIdle(long nowMillis) {
        lastUsedMillis = nowMillis;
    }

    /** Marks the entry dead; true only for the one caller that did so, so removal happens exactly once. */
    boolean kill() {
        return LIVE.compareAndSet(this, true, false);
    }

    boolean idleAt(long nowMillis) {
        return nowMillis - lastUsedMillis > idleTimeoutMillis;
    }

    long createdAtMillis() {
        return createdAtMillis;
    }

    long lastUsedMillis() {
        return lastUsedMillis;
    }

    long idleTimeoutMillis() {
        return idleTimeoutMillis;
    }

    @Override
    public long id() {
        return id;
    }

    @Override
    public EntryKind kind() {
        return kind;
    }

    @Override
    public Endpoint virtualSide() {
        return virtualSide;
    }

    @Override
    public Endpoint realSide() {
        return realSide;
    }

    @Override
    public EntryOwner owner() {
        return owner;
    }

    @Override
    public Instant createdAt() {
        return Instant.ofEpochMilli(createdAtMillis);
    }

    @Override
    public Instant lastUsedAt() {
        return Instant.ofEpochMilli(lastUsedMillis);
    }

    @Override
    public Duration idleTimeout() {
        return Duration.ofMillis(idleTimeoutMillis);
    }

    @Override
    public long packetsToReal() {
        return packetsToReal;
    }

    @Override
    public long bytesToReal() {
        return bytesToReal;
    }

    @Override
    public long packetsToVirtual() {
        return packetsToVirtual;
    }

    @Override
    public long bytesToVirtual() {
        return bytesToVirtual;
    }

    @Override
    public void recordToReal(int bytes) {
        PACKETS_TO_REAL.getAndAdd(this, 1L);
        BYTES_TO_REAL.getAndAdd(this, (long) bytes);
        touch();
    }

    @Override
    public void recordToVirtual(int bytes) {
        PACKETS_TO_VIRTUAL.getAndAdd(this, 1L);
        BYTES_TO_VIRTUAL.getAndAdd(this, (long) bytes);
        touch();
    }

    private void touch() {
        long now = clock.now();
        // Skip the volatile write when nothing changed: most packets arrive within the same clock tick.
        if (lastUsedMillis != now) {
            lastUsedMillis = now;
        }
    }

    @Override
    public boolean isLive() {
        return live;
    }

    @Override
    public String toString() {
        return "#" + id + " " + kind + " " + virtualSide + " <-> " + realSide + " (" + owner + ")";
    }
}
