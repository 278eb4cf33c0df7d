package org.ntmgate.as.impl;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;

import org.ntmgate.role.TokenBucket;

/**
 * Per source address (protocol.md 10.3): a token bucket on LOGIN_REQUESTs, and a lockout after repeated login
 * failures that doubles from 1 s up to 5 minutes. Bounded: past {@link #MAX_SOURCES} sources the table is cleared
 * (a flood from many addresses cannot grow memory; it loses only rate state).
 */
final class SourceLimits {
    static final int MAX_SOURCES = 100_000;
    static final int FAILURES_BEFORE_LOCKOUT = 5;
    static final long MAX_LOCKOUT_MILLIS = 300_000;

    private final int perSecond;
    private final int burst;
    private final ConcurrentHashMap<InetAddress, State> sources = new ConcurrentHashMap<>();

    private static final class State {
        TokenBucket requests;
        int failures;
        long lockout;
        long lockedUntil;
    }

    SourceLimits(int requestsPerSecond, int burst) {
        this.perSecond = requestsPerSecond;
        this.burst = burst;
    }

    private State state(InetAddress source, long now) {
        if (sources.size() >= MAX_SOURCES) {
            sources.clear();
        }
        return sources.computeIfAbsent(source, s -> {
            State st = new State();
            st.requests = TokenBucket.perSecond(perSecond, burst, now);
            return st;
        });
    }

    /** True when a LOGIN_REQUEST from {@code source} may be served now. */
    boolean takeRequest(InetAddress source, long now) {
        State s = state(source, now);
        synchronized (s) {
            return s.requests.take(1, now);
        }
    }

    boolean locked(InetAddress source, long now) {
        State s = sources.get(source);
        if (s == null) {
            return false;
        }
        synchronized (s) {
            return s.lockedUntil > now;
        }
    }

    /** Counts a failed login; returns true when the source is now locked out. */
    boolean fail(InetAddress source, long now) {
        State s = state(source, now);
        synchronized (s) {
            if (++s.failures >= FAILURES_BEFORE_LOCKOUT) {
                s.lockout = s.lockout == 0 ? 1000 : Math.min(MAX_LOCKOUT_MILLIS, s.lockout * 2);
                s.lockedUntil = now + s.lockout;
                s.failures = 0;
                return true;
            }
            return false;
        }
    }

    void succeed(InetAddress source, long now) {
        State s = state(source, now);
        synchronized (s) {
            s.failures = 0;
            s.lockout = 0;
        }
    }
}
