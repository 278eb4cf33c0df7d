package org.ntmgate.role;

/**
 * A token bucket: {@code rate} tokens a second up to {@code burst}, full at the start; rate 0 means unlimited. Used by
 * one thread at a time (the caller synchronizes when several share one).
 */
public final class TokenBucket {
    private final long rate;
    private final double burst;
    private double tokens;
    private long last;

    private TokenBucket(long rate, double burst, long nowMillis) {
        this.rate = rate;
        this.burst = burst;
        this.tokens = burst;
        this.last = nowMillis;
    }

    /** {@code rate} a second, a burst of one second's worth. */
    public static TokenBucket perSecond(long rate, long nowMillis) {
        return new TokenBucket(rate, rate, nowMillis);
    }

    /** {@code rate} a second, at most {@code burst} at once. */
    public static TokenBucket perSecond(long rate, long burst, long nowMillis) {
        return new TokenBucket(rate, burst, nowMillis);
    }

    /** Takes {@code n} tokens if there are that many. */
    public boolean take(long n, long nowMillis) {
        if (rate <= 0) {
            return true;
        }
        if (nowMillis > last) {
            tokens = Math.min(burst, tokens + (nowMillis - last) * rate / 1000.0);
            last = nowMillis;
        }
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
