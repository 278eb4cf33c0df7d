package org.ntmgate.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
    private static byte[] r(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A journal at {@code f} with {@code records} appended, synced and closed. */
    private static void written(Path f, String... records) throws IOException {
        try (Journal j = Journal.open(f, null, b -> {
        })) {
            for (String record : records) {
                j.append(r(record));
            }
            j.sync();
        }
    }

    private static List<String> replay(Path f) throws IOException {
        List<String> out = new ArrayList<>();
        try (Journal j = Journal.open(f, null, b -> out.add(new String(b, StandardCharsets.UTF_8)))) {
            return out;
        }
    }

    @Test
    void recordsComeBackInOrderAcrossReopening(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j");
        written(f, "one", "", "three");
        assertEquals(List.of("one", "", "three"), replay(f));
        try (Journal j = Journal.open(f, null, b -> {
        })) {
            assertEquals(3, j.replayed().records());
            assertFalse(j.replayed().damaged());
            j.append(r("four"));
        }
        assertEquals(List.of("one", "", "three", "four"), replay(f));
    }

    @Test
    void aTailCutAtEveryLengthLosesOnlyTheCutRecordAndLaterAppendsFollowGoodOnes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j");
        written(f, "first", "second record");
        byte[] whole = Files.readAllBytes(f);
        int firstEnd = Journal.MAGIC.length + 8 + 5;
        for (int cut = firstEnd; cut < whole.length; cut++) {
            Files.write(f, Arrays.copyOf(whole, cut));
            List<String> seen = new ArrayList<>();
            try (Journal j = Journal.open(f, null, b -> seen.add(new String(b, StandardCharsets.UTF_8)))) {
                assertEquals(List.of("first"), seen, "cut at " + cut);
                assertEquals(cut > firstEnd, j.replayed().damaged(), "cut at " + cut);
                assertEquals(cut - firstEnd, j.replayed().discardedBytes());
                j.append(r("after"));
            }
            assertEquals(List.of("first", "after"), replay(f), "cut at " + cut);
        }
    }

    @Test
    void aFlippedBitEndsTheReplayAtThatRecord(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j");
        written(f, "first", "second", "third");
        byte[] whole = Files.readAllBytes(f);
        int secondPayload = Journal.MAGIC.length + 8 + 5 + 8;
        for (int bit = 0; bit < 8 * 6; bit++) {
            byte[] b = whole.clone();
            b[secondPayload + bit / 8] ^= (byte) (1 << (bit % 8));
            Files.write(f, b);
            List<String> seen = new ArrayList<>();
            try (Journal j = Journal.open(f, null, x -> seen.add(new String(x, StandardCharsets.UTF_8)))) {
                assertEquals(List.of("first"), seen);
                assertTrue(j.replayed().problem().contains("CRC"), j.replayed().problem());
            }
        }
    }

    @Test
    void compactionReplacesTheLogWithTheLiveState(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j");
        try (Journal j = Journal.open(f, null, b -> {
        })) {
            for (int i = 0; i < 3000; i++) {
                j.append(r("update " + i));
            }
            assertTrue(j.shouldCompact(10));
            assertFalse(j.shouldCompact(2000));
            long before = Files.size(f);
            j.compact(List.of(r("live a"), r("live b")));
            assertTrue(Files.size(f) < before / 100);
            assertFalse(j.shouldCompact(2));
            j.append(r("after"));
        }
        assertEquals(List.of("live a", "live b", "after"), replay(f));
    }

    @Test
    void aFileThatIsNoJournalIsRefusedAndLeftAlone(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("j");
        Files.writeString(f, "ntmgate-leases 1\nend 0\n");
        assertThrows(IOException.class, () -> Journal.open(f, null, b -> {
        }));
        assertArrayEquals(r("ntmgate-leases 1\nend 0\n"), Files.readAllBytes(f));
    }
}
