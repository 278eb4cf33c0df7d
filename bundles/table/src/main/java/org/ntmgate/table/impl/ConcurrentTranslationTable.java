package org.ntmgate.table.impl;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.RemovalReason;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;

/**
 * The table itself, free of OSGi so it can be tested and benchmarked alone.
 *
 * <p>Three concurrent hash maps index the same entries by virtual side, real side and id: lookups are single
 * lock-free reads. Insertion claims the virtual side, then the real side, with putIfAbsent and undoes the first
 * claim if the second fails, so both sides stay unique without a global lock. Removal happens exactly once per
 * entry ({@link Entry#kill()}), whichever of remove, replace, clear and expiry gets there first.
 */
final class ConcurrentTranslationTable implements TranslationTable {
    private final ConcurrentHashMap<Endpoint, Entry> byVirtual = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Endpoint, Entry> byReal = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Entry> byId = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicLong lastId = new AtomicLong();
    private final CoarseClock clock;
    private final TableListener listener;
    private final LongAdder inserted = new LongAdder();
    private final LongAdder removed = new LongAdder();
    private final LongAdder expired = new LongAdder();
    private final LongAdder refusedFull = new LongAdder();
    private final LongAdder refusedConflict = new LongAdder();
    private volatile int capacity;
    private volatile long defaultIdleTimeoutMillis;
    /** Set by every membership change, cleared by whoever writes a snapshot. */
    private volatile boolean membershipChanged;

    ConcurrentTranslationTable(TableSettings settings, CoarseClock clock, TableListener listener) {
        this.clock = clock;
        this.listener = listener;
        apply(settings);
    }

    /** Takes new limits. Entries already in the table stay, even above a lowered capacity; new ones wait for room. */
    void apply(TableSettings settings) {
        this.capacity = settings.capacity();
        this.defaultIdleTimeoutMillis = settings.idleTimeoutSeconds() * 1000L;
    }

    @Override
    public TranslationEntry insert(EntrySpec spec) throws TableFullException, EntryConflictException {
        return insert(newEntry(spec), true);
    }

    private Entry newEntry(EntrySpec spec) {
        long idle = spec.idleTimeout() != null ? spec.idleTimeout().toMillis() : defaultIdleTimeoutMillis;
        long now = clock.now();
        return new Entry(lastId.incrementAndGet(), spec.kind(), spec.virtualSide(), spec.realSide(), spec.owner(), now, now, idle, clock);
    }

    /**
     * The new entry claims its real side first (when it differs from the old one's), then takes the old one's slot in
     * the virtual index in one atomic step: a reader by virtual side finds the old entry, live, or the new one, never
     * neither and never the old one dead. Only then is the old one evicted, as by remove (its conditional index
     * removals leave the slots the new entry took). Whichever eviction gets there first counts it.
     */
    @Override
    public TranslationEntry replace(long id, EntrySpec spec) throws TableFullException, EntryConflictException {
        Entry old = byId.get(id);
        if (old == null || !old.isLive()) {
            return insert(spec);
        }
        if (!old.virtualSide().equals(spec.virtualSide())) {
            throw new IllegalArgumentException("replace keeps the virtual side: entry " + id + " has " + old.virtualSide() + ", not "
                    + spec.virtualSide());
        }
        Entry e = newEntry(spec);
        boolean sameReal = old.realSide().equals(e.realSide());
        if (!sameReal) {
            Entry holder = claim(byReal, e.realSide(), e);
            if (holder != null) {
                refusedConflict.increment();
                throw new EntryConflictException("real", holder);
            }
        }
        if (!byVirtual.replace(old.virtualSide(), old, e)) { // evicted meanwhile: nothing to take the place of
            if (!sameReal) {
                byReal.remove(e.realSide(), e);
            }
            return insert(e, true);
        }
        if (sameReal && !byReal.replace(old.realSide(), old, e)) {
            // a racing eviction of the old entry freed the real side first: claim it as an insert would
            Entry holder = claim(byReal, e.realSide(), e);
            if (holder != null) {
                byVirtual.remove(e.virtualSide(), e);
                refusedConflict.increment();
                throw new EntryConflictException("real", holder);
            }
        }
        byId.put(e.id(), e);
        evict(old, RemovalReason.REMOVED); // its index slots are e's now, so only its own go; false: a racing eviction did it
        size.incrementAndGet();
        inserted.increment();
        membershipChanged = true;
        listener.added(e);
        return e;
    }

    /** Puts a prepared entry in (new, or restored from a snapshot); {@code enforceCapacity} is off for restores. */
    Entry insert(Entry e, boolean enforceCapacity) throws TableFullException, EntryConflictException {
        int cap = capacity;
        if (size.incrementAndGet() > cap && enforceCapacity) {
            size.decrementAndGet();
            refusedFull.increment();
            throw new TableFullException(cap);
        }
        Entry holder = claim(byVirtual, e.virtualSide(), e);
        if (holder != null) {
            size.decrementAndGet();
            refusedConflict.increment();
            throw new EntryConflictException("virtual", holder);
        }
        holder = claim(byReal, e.realSide(), e);
        if (holder != null) {
            byVirtual.remove(e.virtualSide(), e);
            size.decrementAndGet();
            refusedConflict.increment();
            throw new EntryConflictException("real", holder);
        }
        byId.put(e.id(), e);
        lastId.accumulateAndGet(e.id(), Math::max);
        inserted.increment();
        membershipChanged = true;
        listener.added(e);
        return e;
    }

    /**
     * Maps {@code key} to {@code e} unless a live entry holds it; returns that entry, or null when {@code e} got it. A
     * dead holder is an eviction under way (killed, not yet out of the indexes): it is helped out of the way, so a
     * side freed by a remove can be claimed at once, as the contract says (only live entries conflict).
     */
    private static Entry claim(ConcurrentHashMap<Endpoint, Entry> index, Endpoint key, Entry e) {
        Entry holder;
        while ((holder = index.putIfAbsent(key, e)) != null && !holder.isLive()) {
            index.remove(key, holder);
        }
        return holder;
    }

    @Override
    public Optional<TranslationEntry> lookupByVirtual(Endpoint virtualSide) {
        return Optional.ofNullable(byVirtual.get(virtualSide));
    }

    @Override
    public Optional<TranslationEntry> lookupByReal(Endpoint realSide) {
        return Optional.ofNullable(byReal.get(realSide));
    }

    @Override
    public Optional<TranslationEntry> lookupById(long id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public boolean remove(long id) {
        Entry e = byId.get(id);
        return e != null && evict(e, RemovalReason.REMOVED);
    }

    @Override
    public int removeByOwner(EntryOwner owner) {
        return evictAll(e -> e.owner().equals(owner), RemovalReason.CLEARED);
    }

    @Override
    public int clear() {
        return evictAll(e -> true, RemovalReason.CLEARED);
    }

    /** Removes every entry unused for longer than its idle timeout; returns how many. */
    int expireIdle() {
        long now = clock.now();
        return evictAll(e -> e.idleAt(now), RemovalReason.EXPIRED);
    }

    private int evictAll(Predicate<Entry> which, RemovalReason reason) {
        int n = 0;
        for (Entry e : byId.values()) {
            if (which.test(e) && evict(e, reason)) {
                n++;
            }
        }
        return n;
    }

    private boolean evict(Entry e, RemovalReason reason) {
        if (!e.kill()) {
            return false;
        }
        byVirtual.remove(e.virtualSide(), e);
        byReal.remove(e.realSide(), e);
        byId.remove(e.id(), e);
        size.decrementAndGet();
        (reason == RemovalReason.EXPIRED ? expired : removed).increment();
        membershipChanged = true;
        listener.removed(e, reason);
        return true;
    }

    /** Marks every entry dead without events: the service is going away and holders must look up again. */
    void retire() {
        byId.values().forEach(Entry::kill);
    }

    @Override
    public List<TranslationEntry> entries(Predicate<? super TranslationEntry> filter) {
        List<TranslationEntry> out = new ArrayList<>();
        for (Entry e : byId.values()) {
            if (filter.test(e)) {
                out.add(e);
            }
        }
        out.sort(Comparator.comparingLong(TranslationEntry::id));
        return out;
    }

    /** The entries as they are now, for a snapshot. */
    List<Entry> liveEntries() {
        return new ArrayList<>(byId.values());
    }

    long lastId() {
        return lastId.get();
    }

    void advanceLastId(long id) {
        lastId.accumulateAndGet(id, Math::max);
    }

    /** Remembers that the entries changed, after a snapshot that should have recorded it failed. */
    void markMembershipChanged() {
        membershipChanged = true;
    }

    /** True when entries came or went since the last call; clears the flag. */
    boolean takeMembershipChanged() {
        boolean changed = membershipChanged;
        membershipChanged = false;
        return changed;
    }

    @Override
    public int size() {
        return size.get();
    }

    @Override
    public TableStatistics statistics() {
        return new TableStatistics(size.get(), capacity, inserted.sum(), removed.sum(), expired.sum(), refusedFull.sum(),
                refusedConflict.sum());
    }
}
