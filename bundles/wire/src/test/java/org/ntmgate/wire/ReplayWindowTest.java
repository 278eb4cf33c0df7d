package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

class ReplayWindowTest {
    @Test
    void newNumbersPassAndRepeatsDoNot() {
        ReplayWindow w = new ReplayWindow(64);
        assertTrue(w.accept(1));
        assertFalse(w.accept(1));
        assertTrue(w.accept(3));
        assertTrue(w.accept(2), "reordered within the window");
        assertFalse(w.accept(2));
        assertFalse(w.accept(0));
        assertFalse(w.accept(-5));
    }

    @Test
    void numbersBelowTheWindowAreRefused() {
        ReplayWindow w = new ReplayWindow(64);
        assertTrue(w.accept(100));
        assertFalse(w.accept(36), "100 - 36 = 64: just outside");
        assertTrue(w.accept(37), "the oldest number still inside");
        assertTrue(w.accept(10_000), "a jump clears the window");
        assertFalse(w.accept(100));
        assertEquals(10_000, w.highest());
    }

    @Test
    void theWindowAgreesWithAModelOverRandomTraffic() {
        Random r = new Random(6);
        ReplayWindow w = new ReplayWindow(ReplayWindow.DATA);
        Set<Long> seen = new HashSet<>();
        long highest = 0;
        for (int i = 0; i < 200_000; i++) {
            long seq = Math.max(1, highest + r.nextInt(200) - 150);
            boolean expected = !seen.contains(seq) && seq > highest - ReplayWindow.DATA;
            assertEquals(expected, w.accept(seq), "step " + i + " seq " + seq);
            if (expected) {
                seen.add(seq);
                highest = Math.max(highest, seq);
            }
        }
    }

    @Test
    void sizesAreMultiplesOf64() {
        assertThrows(IllegalArgumentException.class, () -> new ReplayWindow(100));
    }
}
