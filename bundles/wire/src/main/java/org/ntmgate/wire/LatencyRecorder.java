package org.ntmgate.wire;

import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.api.health.LatencyHistogram;

/**
 * Answer times in fixed buckets from 1 ms to 10 s (Prometheus' usual ones for request latency), counted from any
 * thread without a lock, read as a {@link LatencyHistogram}.
 */
public final class LatencyRecorder {
    static final double[] BOUNDS = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10 };
    private final LongAdder[] counts = new LongAdder[BOUNDS.length + 1];
    private final DoubleAdder sum = new DoubleAdder();

    public LatencyRecorder() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** One answer that took {@code nanos}. */
    public void record(long nanos) {
        double s = Math.max(0, nanos) / 1e9;
        int i = 0;
        while (i < BOUNDS.length && s > BOUNDS[i]) {
            i++;
        }
        counts[i].increment();
        sum.add(s);
    }

    public LatencyHistogram snapshot() {
        long[] c = new long[counts.length];
        for (int i = 0; i < c.length; i++) {
            c[i] = counts[i].sum();
        }
        return new LatencyHistogram(BOUNDS, c, sum.sum());
    }
}
