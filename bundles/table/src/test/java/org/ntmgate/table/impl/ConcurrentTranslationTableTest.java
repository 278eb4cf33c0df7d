package org.ntmgate.table.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.RemovalReason;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;

class ConcurrentTranslationTableTest {
    private final AtomicLong wallClock = new AtomicLong(1_000_000);
    private final CoarseClock clock = new CoarseClock(wallClock::get);
    private final List<String> events = new ArrayList<>();
    private final TableListener recorder = new TableListener() {
        @Override
        public synchronized void added(Entry entry) {
            events.add("added " + entry.id());
        }

        @Override
        public synchronized void removed(Entry entry, RemovalReason reason) {
            events.add(reason + " " + entry.id());
        }
    };

    private ConcurrentTranslationTable table(int capacity) {
        return new ConcurrentTranslationTable(TableSettings.DEFAULTS.withCapacity(capacity).withIdleTimeoutSeconds(60), clock,
                recorder);
    }

    static Endpoint v6(int i) {
        return Endpoint.parse("2001:db8:1::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xFFFF));
    }

    static Endpoint real6(int i) {
        return Endpoint.parse("2001:db8:2::" + Integer.toHexString(i >>> 16) + ":" + Integer.toHexString(i & 0xFFFF));
    }

    static EntrySpec spec(int i) {
        return EntrySpec.of(EntryKind.NTM_GENERAL_NODE, v6(i), real6(i), EntryOwner.of(7, i));
    }

    @Test
    void anEntryIsFoundFromEitherSideAndById() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry e = t.insert(spec(1));
        assertSame(e, t.lookupByVirtual(v6(1)).orElseThrow());
        assertSame(e, t.lookupByReal(real6(1)).orElseThrow());
        assertSame(e, t.lookupById(e.id()).orElseThrow());
        assertTrue(t.lookupByVirtual(real6(1)).isEmpty(), "a real address is not a virtual one");
        assertEquals(1, t.size());
        assertEquals(List.of("added " + e.id()), events);
    }

    @Test
    void teredoPeersMapAnIpv6AddressToAnIpv4AddressAndPort() throws Exception {
        ConcurrentTranslationTable t = table(10);
        Endpoint teredo = Endpoint.parse("2001:0:c000:201::1");
        Endpoint mapped = Endpoint.parse("203.0.113.9:40000");
        t.insert(EntrySpec.of(EntryKind.TEREDO_PEER, teredo, mapped, EntryOwner.NONE));
        assertEquals(teredo, t.lookupByReal(mapped).orElseThrow().virtualSide());
        assertTrue(t.lookupByReal(Endpoint.parse("203.0.113.9:40001")).isEmpty(), "the port is part of the key");
    }

    @Test
    void eachSideMapsOnlyOnceAndARefusedInsertLeavesNothingBehind() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry first = t.insert(spec(1));
        EntryConflictException onVirtual = assertThrows(EntryConflictException.class,
                () -> t.insert(EntrySpec.of(EntryKind.NTM_GENERAL_NODE, v6(1), real6(2), EntryOwner.NONE)));
        assertSame(first, onVirtual.existing());
        assertThrows(EntryConflictException.class,
                () -> t.insert(EntrySpec.of(EntryKind.NTM_GENERAL_NODE, v6(3), real6(1), EntryOwner.NONE)));
        assertTrue(t.lookupByVirtual(v6(3)).isEmpty(), "the virtual side claimed before the real-side conflict is released");
        assertTrue(t.lookupByReal(real6(2)).isEmpty());
        assertEquals(1, t.size());
        assertEquals(2, t.statistics().refusedConflict());
        t.insert(EntrySpec.of(EntryKind.NTM_GENERAL_NODE, v6(3), real6(3), EntryOwner.NONE));
    }

    @Test
    void aFullTableRefusesNewEntriesAndCountsThem() throws Exception {
        ConcurrentTranslationTable t = table(2);
        t.insert(spec(1));
        t.insert(spec(2));
        TableFullException e = assertThrows(TableFullException.class, () -> t.insert(spec(3)));
        assertTrue(e.getMessage().contains("capacity 2"), e.getMessage());
        assertTrue(e.getMessage().contains("org.ntmgate.table"), "the message names the configuration to change");
        assertEquals(1, t.statistics().refusedFull());
        assertEquals(2, t.size());
        t.remove(t.lookupByVirtual(v6(1)).orElseThrow().id());
        t.insert(spec(3));
    }

    @Test
    void loweringTheCapacityKeepsEntriesButRefusesNewOnes() throws Exception {
        ConcurrentTranslationTable t = table(5);
        for (int i = 0; i < 4; i++) {
            t.insert(spec(i));
        }
        t.apply(TableSettings.DEFAULTS.withCapacity(2));
        assertEquals(4, t.size());
        assertThrows(TableFullException.class, () -> t.insert(spec(9)));
        assertEquals(2, t.statistics().capacity());
    }

    @Test
    void idleEntriesExpireAndUsedOnesStay() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry idle = t.insert(spec(1));
        TranslationEntry busy = t.insert(spec(2));
        TranslationEntry shortLived = t.insert(new EntrySpec(EntryKind.STATIC, v6(3), real6(3), EntryOwner.NONE, Duration.ofSeconds(5)));
        wallClock.addAndGet(10_000);
        clock.tick();
        assertEquals(1, t.expireIdle(), "only the entry with a 5 s timeout is idle after 10 s");
        assertFalse(shortLived.isLive());
        busy.recordToReal(100);
        wallClock.addAndGet(55_000);
        clock.tick();
        assertEquals(1, t.expireIdle());
        assertFalse(idle.isLive());
        assertTrue(busy.isLive());
        assertTrue(t.lookupByVirtual(v6(1)).isEmpty());
        assertEquals(2, t.statistics().expired());
        assertTrue(events.contains("EXPIRED " + idle.id()));
    }

    @Test
    void countersAndLastUseFollowTraffic() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry e = t.insert(spec(1));
        wallClock.addAndGet(3_000);
        clock.tick();
        e.recordToReal(1280);
        e.recordToReal(40);
        e.recordToVirtual(1500);
        assertEquals(2, e.packetsToReal());
        assertEquals(1320, e.bytesToReal());
        assertEquals(1, e.packetsToVirtual());
        assertEquals(1500, e.bytesToVirtual());
        assertEquals(wallClock.get(), e.lastUsedAt().toEpochMilli());
    }

    @Test
    void removeByOwnerAndClearRemoveExactlyTheirEntries() throws Exception {
        ConcurrentTranslationTable t = table(10);
        t.insert(EntrySpec.of(EntryKind.NTM_NODE, v6(1), real6(1), EntryOwner.of(1, 1)));
        t.insert(EntrySpec.of(EntryKind.NTM_GENERAL_NODE, v6(2), real6(2), EntryOwner.of(1, 1)));
        t.insert(EntrySpec.of(EntryKind.NTM_NODE, v6(3), real6(3), EntryOwner.of(2, 1)));
        assertEquals(2, t.removeByOwner(EntryOwner.of(1, 1)));
        assertEquals(1, t.size());
        assertEquals(1, t.clear());
        assertEquals(0, t.size());
        assertEquals(3, t.statistics().removed());
    }

    @Test
    void concurrentInsertsLookupsAndRemovalsKeepTheIndexesConsistent() throws Exception {
        ConcurrentTranslationTable t = table(1_000_000);
        int threads = 4;
        int perThread = 20_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            int base = th * perThread;
            results.add(pool.submit(() -> {
                start.await();
                int kept = 0;
                for (int i = base; i < base + perThread; i++) {
                    TranslationEntry e = t.insert(spec(i));
                    if (t.lookupByReal(real6(i)).orElseThrow() != e || t.lookupByVirtual(v6(i)).orElseThrow() != e) {
                        throw new AssertionError("entry " + i + " not visible to its own writer");
                    }
                    e.recordToReal(64);
                    if (i % 3 == 0) {
                        assertTrue(t.remove(e.id()));
                    } else {
                        kept++;
                    }
                }
                return kept;
            }));
        }
        start.countDown();
        int kept = 0;
        for (Future<Integer> f : results) {
            kept += f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertEquals(kept, t.size());
        assertEquals(kept, t.entries(e -> true).size());
        for (int i = 0; i < threads * perThread; i++) {
            assertEquals(i % 3 != 0, t.lookupByVirtual(v6(i)).isPresent(), "virtual index at " + i);
            assertEquals(i % 3 != 0, t.lookupByReal(real6(i)).isPresent(), "real index at " + i);
        }
    }

    @Test
    void racingInsertsOfTheSameEndpointHaveExactlyOneWinner() throws Exception {
        ConcurrentTranslationTable t = table(1_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int round = 0; round < 200; round++) {
            int r = round;
            CountDownLatch go = new CountDownLatch(1);
            AtomicInteger winners = new AtomicInteger();
            List<Future<?>> fs = new ArrayList<>();
            for (int th = 0; th < 4; th++) {
                int who = th;
                // Same virtual side, distinct real sides: at most one may hold the virtual side.
                fs.add(pool.submit(() -> {
                    go.await();
                    try {
                        t.insert(EntrySpec.of(EntryKind.NTM_NODE, v6(r), Endpoint.parse("2001:db8:3::" + r + ":" + who), EntryOwner.NONE));
                        winners.incrementAndGet();
                    } catch (EntryConflictException expected) {
                        // lost the race
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.SECONDS);
            }
            assertEquals(1, winners.get(), "round " + r);
        }
        pool.shutdown();
        assertEquals(200, t.size());
    }

    @Test
    void anEntryIsRemovedOnceWhenRemovalAndExpiryRace() throws Exception {
        ConcurrentTranslationTable t = table(100_000);
        List<TranslationEntry> all = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            all.add(t.insert(spec(i)));
        }
        events.clear();
        wallClock.addAndGet(120_000);
        clock.tick();
        ConcurrentLinkedQueue<Integer> removedByHand = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Future<Integer> expiry = pool.submit(t::expireIdle);
        Future<?> remover = pool.submit(() -> {
            for (TranslationEntry e : all) {
                if (t.remove(e.id())) {
                    removedByHand.add(1);
                }
            }
        });
        int expired = expiry.get(30, TimeUnit.SECONDS);
        remover.get(30, TimeUnit.SECONDS);
        pool.shutdown();
        assertEquals(20_000, expired + removedByHand.size());
        assertEquals(20_000, events.size(), "one removal event per entry");
        assertEquals(0, t.size());
    }

    private static EntrySpec moved(int virtual, int real) {
        return EntrySpec.of(EntryKind.TEREDO_PEER, v6(virtual), real6(real), EntryOwner.NONE);
    }

    @Test
    void aReplacedEntryKeepsItsVirtualSideAndMovesItsRealSide() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry old = t.insert(spec(1));
        TranslationEntry now = t.replace(old.id(), moved(1, 2));
        assertSame(now, t.lookupByVirtual(v6(1)).orElseThrow());
        assertSame(now, t.lookupByReal(real6(2)).orElseThrow());
        assertSame(now, t.lookupById(now.id()).orElseThrow());
        assertTrue(t.lookupByReal(real6(1)).isEmpty(), "the old real side is free");
        assertTrue(t.lookupById(old.id()).isEmpty());
        assertFalse(old.isLive(), "holders of the old entry see it gone");
        assertEquals(EntryKind.TEREDO_PEER, now.kind());
        assertEquals(1, t.size());
        assertEquals(List.of("added " + old.id(), "REMOVED " + old.id(), "added " + now.id()), events);
        assertEquals(2, t.statistics().inserted());
        assertEquals(1, t.statistics().removed());
        t.insert(moved(3, 1)); // the old real side can be claimed again

        TranslationEntry same = t.replace(now.id(), EntrySpec.of(EntryKind.TEREDO_PEER, v6(1), real6(2), EntryOwner.of(9, 9)));
        assertSame(same, t.lookupByReal(real6(2)).orElseThrow(), "the same real side: the real index follows too");
        assertSame(same, t.lookupByVirtual(v6(1)).orElseThrow());
        assertEquals(EntryOwner.of(9, 9), same.owner());
        assertEquals(2, t.size());
    }

    @Test
    void aReplaceOntoAnotherEntrysRealSideOrAnotherVirtualSideIsRefusedAndChangesNothing() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry one = t.insert(spec(1));
        TranslationEntry two = t.insert(spec(2));
        events.clear();
        EntryConflictException conflict = assertThrows(EntryConflictException.class, () -> t.replace(one.id(), moved(1, 2)));
        assertSame(two, conflict.existing());
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class, () -> t.replace(one.id(), moved(3, 3)));
        assertTrue(other.getMessage().contains(v6(1).toString()) && other.getMessage().contains(v6(3).toString()), other.getMessage());
        assertTrue(one.isLive());
        assertSame(one, t.lookupByVirtual(v6(1)).orElseThrow());
        assertSame(one, t.lookupByReal(real6(1)).orElseThrow());
        assertSame(two, t.lookupByReal(real6(2)).orElseThrow());
        assertTrue(t.lookupByReal(real6(3)).isEmpty());
        assertEquals(2, t.size());
        assertEquals(List.of(), events);
        assertEquals(1, t.statistics().refusedConflict());
    }

    @Test
    void replacingAnEntryThatIsGoneInsertsTheNewOne() throws Exception {
        ConcurrentTranslationTable t = table(1);
        TranslationEntry old = t.insert(spec(1));
        assertTrue(t.remove(old.id()));
        TranslationEntry now = t.replace(old.id(), moved(1, 2));
        assertSame(now, t.lookupByVirtual(v6(1)).orElseThrow());
        assertEquals(1, t.size());
        assertThrows(TableFullException.class, () -> t.replace(old.id(), moved(5, 5)), "an insert obeys the capacity");
    }

    /** An entry killed by a remove that has not yet taken it out of the indexes holds neither side. */
    @Test
    void aSideHeldByAnEntryWhoseRemovalIsUnderWayCanBeClaimedAtOnce() throws Exception {
        ConcurrentTranslationTable t = table(10);
        Entry dying = (Entry) t.insert(spec(1));
        assertTrue(dying.kill()); // what evict does first; its index removals have not happened yet
        TranslationEntry now = t.insert(spec(1));
        assertSame(now, t.lookupByVirtual(v6(1)).orElseThrow());
        assertSame(now, t.lookupByReal(real6(1)).orElseThrow());
        Entry alsoDying = (Entry) now;
        assertTrue(alsoDying.kill());
        TranslationEntry replaced = t.replace(now.id(), moved(1, 2));
        assertSame(replaced, t.lookupByVirtual(v6(1)).orElseThrow(), "replacing a dead entry inserts past it");
    }

    /** What the Teredo relay needs when a peer's NAT moves it: a reader never finds the peer missing, nor dead. */
    @Test
    void aReaderByVirtualSideAlwaysFindsALiveEntryWhileItIsReplaced() throws Exception {
        ConcurrentTranslationTable t = table(10);
        TranslationEntry first = t.insert(spec(1));
        AtomicInteger missing = new AtomicInteger();
        AtomicLong reads = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> readers = new ArrayList<>();
        for (int r = 0; r < 2; r++) {
            readers.add(pool.submit(() -> {
                while (done.getCount() > 0) {
                    TranslationEntry e = t.lookupByVirtual(v6(1)).orElse(null);
                    if (e == null || !e.isLive() && t.lookupByVirtual(v6(1)).orElse(null) == e) {
                        missing.incrementAndGet();
                    }
                    reads.incrementAndGet();
                }
                return null;
            }));
        }
        long id = first.id();
        for (int i = 0; i < 200_000; i++) {
            id = t.replace(id, moved(1, 2 + (i & 1))).id();
        }
        done.countDown();
        for (Future<?> f : readers) {
            f.get(30, TimeUnit.SECONDS);
        }
        pool.shutdown();
        assertTrue(reads.get() > 0);
        assertEquals(0, missing.get(), "lookups that found no live entry, of " + reads.get());
        assertEquals(1, t.size());
        assertEquals(1, t.entries(e -> true).size());
    }

    @Test
    void aReplaceRacingARemovalOrExpiryLeavesTheIndexesConsistent() throws Exception {
        ConcurrentTranslationTable t = table(10);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        for (int round = 0; round < 20_000; round++) {
            TranslationEntry old = t.insert(spec(1));
            int real = round % 2 == 0 ? 2 : 1; // to another real side, and to the same one
            CountDownLatch go = new CountDownLatch(1);
            Future<TranslationEntry> replacer = pool.submit(() -> {
                go.await();
                return t.replace(old.id(), moved(1, real));
            });
            Future<Boolean> remover = pool.submit(() -> {
                go.await();
                return t.remove(old.id());
            });
            go.countDown();
            TranslationEntry now = replacer.get(10, TimeUnit.SECONDS);
            remover.get(10, TimeUnit.SECONDS);
            assertTrue(now.isLive(), "round " + round);
            assertFalse(old.isLive(), "round " + round);
            assertSame(now, t.lookupByVirtual(v6(1)).orElseThrow(), "round " + round);
            assertSame(now, t.lookupByReal(real6(real)).orElseThrow(), "round " + round);
            assertTrue(real == 1 || t.lookupByReal(real6(1)).isEmpty(), "round " + round);
            assertEquals(1, t.size(), "round " + round);
            assertEquals(List.of(now), t.entries(e -> true), "round " + round);
            assertTrue(t.remove(now.id()));
            assertEquals(0, t.size());
        }
        pool.shutdown();
        assertEquals(t.statistics().inserted(), t.statistics().removed(), "every entry counted in and out once");
    }
}
