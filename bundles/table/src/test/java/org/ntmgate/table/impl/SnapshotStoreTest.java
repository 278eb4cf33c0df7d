package org.ntmgate.table.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;

class SnapshotStoreTest {
    @TempDir
    Path dir;
    private final CoarseClock clock = new CoarseClock(() -> 5_000_000L);

    private Entry entry(long id, String v, String r) {
        Entry e = new Entry(id, EntryKind.TEREDO_PEER, Endpoint.parse(v), Endpoint.parse(r), EntryOwner.of(0xabc, id), 1000 + id,
                2000 + id, 300_000, clock);
        e.restoreCounters(id, 10 * id, 2 * id, 20 * id);
        return e;
    }

    private List<Entry> sample() {
        return List.of(entry(1, "2001:0:c000:201::1", "203.0.113.1:4000"), entry(7, "198.51.100.7", "192.0.2.7"),
                entry(9, "[2001:db8::9]:80", "[2001:db8:1::9]:8080"));
    }

    private static String describe(List<Entry> entries) {
        return entries.stream().map(e -> e + " " + e.createdAtMillis() + " " + e.lastUsedMillis() + " " + e.idleTimeoutMillis()
                + " " + e.packetsToReal() + " " + e.bytesToReal() + " " + e.packetsToVirtual() + " " + e.bytesToVirtual())
                .collect(Collectors.joining("\n"));
    }

    @Test
    void aSnapshotRestoresEveryFieldOfEveryEntry() throws Exception {
        SnapshotStore store = new SnapshotStore(dir.resolve("table.snapshot"));
        store.write(12, sample());
        SnapshotStore.Contents c = store.read(clock);
        assertEquals(12, c.lastId());
        assertEquals(describe(sample()), describe(c.entries()));
    }

    @Test
    void noSnapshotMeansNothingToRestore() throws Exception {
        assertNull(new SnapshotStore(dir.resolve("none")).read(clock));
    }

    /** {@code bytes} as the snapshot file are refused as corrupt, never read as a table. */
    private void assertCorrupt(Path file, byte[] bytes, String what) throws IOException {
        Files.write(file, bytes);
        assertThrows(SnapshotStore.CorruptSnapshotException.class, () -> new SnapshotStore(file).read(clock), what);
    }

    @Test
    void everyTruncationIsDetected() throws Exception {
        Path file = dir.resolve("table.snapshot");
        new SnapshotStore(file).write(12, sample());
        byte[] whole = Files.readAllBytes(file);
        for (int len = 0; len < whole.length; len++) {
            assertCorrupt(file, Arrays.copyOf(whole, len), "truncated to " + len + " bytes");
        }
    }

    @Test
    void everyFlippedBitIsDetected() throws Exception {
        Path file = dir.resolve("table.snapshot");
        new SnapshotStore(file).write(12, sample());
        byte[] whole = Files.readAllBytes(file);
        for (int i = 0; i < whole.length * 8; i++) {
            byte[] bad = whole.clone();
            bad[i / 8] ^= (byte) (1 << (i % 8));
            assertCorrupt(file, bad, "bit " + i + " flipped");
        }
    }

    @Test
    void aWriteThatDiesHalfwayLeavesThePreviousSnapshotWhole() throws Exception {
        Path file = dir.resolve("table.snapshot");
        SnapshotStore store = new SnapshotStore(file);
        store.write(12, sample());
        List<Entry> failing = new AbstractList<>() {
            @Override
            public Entry get(int index) {
                if (index == 2) {
                    throw new IllegalStateException("power cut");
                }
                return sample().get(index);
            }

            @Override
            public int size() {
                return 3;
            }
        };
        assertThrows(IllegalStateException.class, () -> store.write(99, failing));
        SnapshotStore.Contents c = store.read(clock);
        assertEquals(12, c.lastId());
        assertEquals(describe(sample()), describe(c.entries()));
    }

    @Test
    void aCorruptSnapshotIsSetAsideForDiagnosis() throws Exception {
        Path file = dir.resolve("table.snapshot");
        Files.writeString(file, "garbage");
        SnapshotStore store = new SnapshotStore(file);
        SnapshotStore.CorruptSnapshotException e = assertThrows(SnapshotStore.CorruptSnapshotException.class, () -> store.read(clock));
        assertTrue(e.getMessage().contains("magic") || e.getMessage().contains("truncated"), e.getMessage());
        Path aside = store.setAside(42);
        assertTrue(Files.exists(aside));
        assertTrue(aside.getFileName().toString().startsWith("table.snapshot.corrupt-"));
        assertTrue(!Files.exists(file));
    }

    @Test
    void aSnapshotOfTenThousandEntriesRoundTrips() throws IOException, SnapshotStore.CorruptSnapshotException {
        Path file = dir.resolve("table.snapshot");
        List<Entry> many = new java.util.ArrayList<>();
        for (int i = 1; i <= 10_000; i++) {
            many.add(entry(i, "2001:db8:1::" + Integer.toHexString(i), "203.0.113." + (i % 250) + ":" + (1024 + i)));
        }
        new SnapshotStore(file).write(10_000, many);
        assertEquals(describe(many), describe(new SnapshotStore(file).read(clock).entries()));
    }
}
