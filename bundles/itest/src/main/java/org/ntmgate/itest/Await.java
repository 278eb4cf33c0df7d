package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Bounded polling: every wait in these tests ends, with a message saying what did not happen. */
final class Await {
    private Await() {
    }

    /** A condition that may do I/O (send and receive datagrams). */
    @FunctionalInterface
    interface Probe {
        boolean test() throws Exception;
    }

    static void until(String what, Duration timeout, BooleanSupplier condition) throws Exception {
        probe(what, timeout, condition::getAsBoolean);
    }

    /** Like {@link #until}, for a condition that does I/O; an exception it throws fails the test. */
    static void probe(String what, Duration timeout, Probe condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.test()) {
            if (System.nanoTime() > deadline) {
                fail("timed out after " + timeout.toSeconds() + " s waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
