package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.net.InetSocketAddress;

import org.junit.jupiter.api.Test;

class AnswerCacheTest {
    private static final InetSocketAddress A = new InetSocketAddress(Samples.ip("203.0.113.5"), 61000);
    private static final InetSocketAddress B = new InetSocketAddress(Samples.ip("203.0.113.6"), 61000);

    @Test
    void anAnswerIsHeldForItsSenderAndRequestForThirtySeconds() {
        AnswerCache cache = new AnswerCache();
        Message request = Samples.of(MessageType.KEEPALIVE);
        cache.hold(A, request, new byte[] { 1, 2, 3 }, 1_000);
        assertArrayEquals(new byte[] { 1, 2, 3 }, cache.find(A, request, 1_000 + AnswerCache.HOLD_MILLIS));
        assertNull(cache.find(B, request, 2_000), "another sender");
        assertNull(cache.find(A, request.toBuilder().sequence(8).build(), 2_000), "another request");
        assertNull(cache.find(A, request, 1_001 + AnswerCache.HOLD_MILLIS), "too old");
    }

    @Test
    void theCacheIsBounded() {
        AnswerCache cache = new AnswerCache();
        Message request = Samples.of(MessageType.KEEPALIVE);
        for (int i = 0; i <= AnswerCache.MAX_ENTRIES; i++) {
            cache.hold(A, request.toBuilder().sequence(i + 1).build(), new byte[] { (byte) i }, 0);
        }
        assertNull(cache.find(A, request.toBuilder().sequence(1).build(), 0), "the oldest answer was forgotten");
    }
}
