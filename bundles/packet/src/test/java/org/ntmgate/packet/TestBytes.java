package org.ntmgate.packet;

import java.util.Random;

/** Random input for the packet tests. */
final class TestBytes {
    private TestBytes() {
    }

    /** Up to {@code max - 1} random bytes (possibly none). */
    static byte[] random(Random r, int max) {
        byte[] data = new byte[r.nextInt(max)];
        r.nextBytes(data);
        return data;
    }
}
