package org.ntmgate.role;

/** A per-second token bucket (burst: one second's worth); rate 0 means unlimited. One thread uses it. */
public final class TokenBucket {
    private final long rate;
    private double tokens;
    private long last;

    private TokenBucket(long rate, long nowMillis) {
        this.rate = rate;
        this.tokens = rate;
        this.last = nowMillis;
    }

    public static TokenBucket perSecond(long rate, long nowMillis) {
        return new TokenBucket(rate, nowMillis);
    }

    /** Takes {@code n} tokens if there are that many. */
    public boolean take(long n, long nowMillis) {
        if (rate <= 0) {
            return true;
        }
        if (nowMillis > last) {
            tokens = Math.min(rate, tokens + (nowMillis - last) * rate / 1000.0);
            last = nowMillis;
        }
        if (tokens < n) {
            return false;
        }
        tokens -= n;
        return true;
    }
}
