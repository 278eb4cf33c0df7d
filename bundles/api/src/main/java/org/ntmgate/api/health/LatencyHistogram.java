package org.ntmgate.api.health;

import java.util.Arrays;

/**
 * How long a role took to answer, as a classic histogram: {@code counts[i]} answers took at most
 * {@code upperBoundsSeconds[i]} and more than the bound before it; the last count, one beyond the bounds, took
 * longer than every bound.
 *
 * @param upperBoundsSeconds the buckets' upper bounds, ascending
 * @param counts answers per bucket (not cumulative), one more than there are bounds
 * @param sumSeconds the time of every answer together
 */
public record LatencyHistogram(double[] upperBoundsSeconds, long[] counts, double sumSeconds) {
    public LatencyHistogram {
        if (counts.length != upperBoundsSeconds.length + 1) {
            throw new IllegalArgumentException("a histogram has one count more than bounds (the last above every bound)");
        }
        upperBoundsSeconds = upperBoundsSeconds.clone();
        counts = counts.clone();
    }

    /** Every answer counted. */
    public long count() {
        return Arrays.stream(counts).sum();
    }

    @Override
    public double[] upperBoundsSeconds() {
        return upperBoundsSeconds.clone();
    }

    @Override
    public long[] counts() {
        return counts.clone();
    }
}
