package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class DropCountersTest {
    enum Reason { BAD_MAC, REPLAY, NO_PATH }

    @Test
    void countsByReasonAndSaysOnlyTheReasonsThatCountedInTheEnumsOrder() {
        DropCounters<Reason> d = new DropCounters<>(Reason.class);
        assertEquals("none", d.toString());
        assertEquals(0, d.total());
        d.count(Reason.NO_PATH);
        d.count(Reason.BAD_MAC, 3);
        d.count(Reason.NO_PATH);
        assertEquals("bad_mac 3, no_path 2", d.toString());
        assertEquals(3, d.get(Reason.BAD_MAC));
        assertEquals(0, d.get(Reason.REPLAY));
        assertEquals(5, d.total());
        Map<Reason, Long> snapshot = d.snapshot();
        assertEquals(Map.of(Reason.BAD_MAC, 3L, Reason.REPLAY, 0L, Reason.NO_PATH, 2L), snapshot, "every reason, zeros included");
        d.count(Reason.REPLAY);
        assertEquals(0L, snapshot.get(Reason.REPLAY), "a snapshot does not move");
        assertEquals("bad_mac 3, no_path 2", DropCounters.describe(snapshot));
    }

    @Test
    void countsFromManyThreadsLoseNothing() throws InterruptedException {
        DropCounters<Reason> d = new DropCounters<>(Reason.class);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int t = 0; t < 4; t++) {
            pool.execute(() -> {
                for (int i = 0; i < 100_000; i++) {
                    d.count(Reason.values()[i % 3]);
                }
            });
        }
        pool.shutdown();
        assertEquals(true, pool.awaitTermination(30, TimeUnit.SECONDS));
        assertEquals(400_000, d.total());
        assertEquals(133_336, d.get(Reason.BAD_MAC));
    }
}
