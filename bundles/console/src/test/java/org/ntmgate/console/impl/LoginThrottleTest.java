package org.ntmgate.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class LoginThrottleTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final LoginThrottle throttle = new LoginThrottle(now::get);

    @Test
    void fiveWrongLoginsAreFreeThenEachTryWaitsTwiceAsLongUpToAMinute() {
        for (int i = 1; i < LoginThrottle.FREE_FAILURES; i++) {
            throttle.failed("192.0.2.7");
            assertEquals(0, throttle.waitMillis("192.0.2.7"), "after " + i);
        }
        throttle.failed("192.0.2.7");
        assertEquals(1000, throttle.waitMillis("192.0.2.7"));
        now.addAndGet(400);
        assertEquals(600, throttle.waitMillis("192.0.2.7"));
        now.addAndGet(600);
        assertEquals(0, throttle.waitMillis("192.0.2.7"));
        throttle.failed("192.0.2.7");
        assertEquals(2000, throttle.waitMillis("192.0.2.7"));
        for (int i = 0; i < 20; i++) {
            throttle.failed("192.0.2.7");
        }
        assertEquals(LoginThrottle.MAX_WAIT_SECONDS * 1000, throttle.waitMillis("192.0.2.7"));
        assertEquals(0, throttle.waitMillis("198.51.100.1"), "another address is not slowed");
    }

    @Test
    void aLoginThatPassesClearsTheCount() {
        for (int i = 0; i < 10; i++) {
            throttle.failed("192.0.2.7");
        }
        throttle.passed("192.0.2.7");
        assertEquals(0, throttle.waitMillis("192.0.2.7"));
        throttle.failed("192.0.2.7");
        assertEquals(0, throttle.waitMillis("192.0.2.7"));
    }

    @Test
    void atMostSoManyAddressesAreRemembered() {
        for (int i = 0; i < LoginThrottle.CLIENTS + 10; i++) {
            for (int k = 0; k < LoginThrottle.FREE_FAILURES; k++) {
                throttle.failed("client-" + i);
            }
        }
        assertEquals(0, throttle.waitMillis("client-0"), "the oldest was forgotten");
        assertEquals(1000, throttle.waitMillis("client-" + (LoginThrottle.CLIENTS + 9)));
    }
}
