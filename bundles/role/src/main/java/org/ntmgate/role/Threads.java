package org.ntmgate.role;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Named daemon threads and timers for a role's engine, the bounded waits its {@code close} makes, and closing its parts. */
public final class Threads {
    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);

    private Threads() {
    }

    /**
     * Closes {@code parts} in the order given (a reader thread before the socket it sends on, the socket before the
     * device), nulls skipped; one that fails to close is logged and the others still closed.
     */
    public static void close(AutoCloseable... parts) {
        for (AutoCloseable c : parts) {
            if (c == null) {
                continue;
            }
            try {
                c.close();
            } catch (Exception e) {
                LOG.warn("{} did not close cleanly: {}", c.getClass().getSimpleName(), e.toString());
            }
        }
    }

    /** A started daemon thread named {@code name} ("ntmgate-rsn-tun"). */
    public static Thread start(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** A one-thread scheduler on a daemon thread named {@code name}. */
    public static ScheduledExecutorService timer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Waits at most {@code millis} for {@code t} (null: nothing to wait for); an interrupt is kept for the caller. */
    public static void join(Thread t, long millis) {
        if (t == null) {
            return;
        }
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops {@code timer} and waits at most {@code millis} for the task it runs. */
    public static void stop(ScheduledExecutorService timer, long millis) {
        timer.shutdownNow();
        try {
            timer.awaitTermination(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
