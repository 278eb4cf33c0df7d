package org.ntmgate.console.impl;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Repeated wrong passwords are slowed down, per client address: the first {@value #FREE_FAILURES} wrong logins cost
 * nothing; after that each further try must wait 1 s, then 2, 4... up to {@value #MAX_WAIT_SECONDS} s after the last
 * wrong one, and a try within that wait is answered 429 without being checked (so guessing gains nothing by
 * hurrying). A login that passes clears the address's count. At most {@value #CLIENTS} addresses are remembered (the
 * least recently failed go first), so a flood of addresses cannot fill the memory.
 */
final class LoginThrottle {
    static final int FREE_FAILURES = 5;
    static final long MAX_WAIT_SECONDS = 60;
    static final int CLIENTS = 4096;
    private final LongSupplier clockMillis;
    private final Map<String, Failures> byClient = new LinkedHashMap<>(64, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Failures> eldest) {
            return size() > CLIENTS;
        }
    };

    private record Failures(int count, long lastMillis) {
    }

    LoginThrottle(LongSupplier clockMillis) {
        this.clockMillis = clockMillis;
    }

    /** How long {@code client} must still wait before its next try is checked, in ms; 0 when it may try now. */
    synchronized long waitMillis(String client) {
        Failures f = byClient.get(client);
        if (f == null || f.count() < FREE_FAILURES) {
            return 0;
        }
        long wait = Math.min(1000L << Math.min(f.count() - FREE_FAILURES, 16), MAX_WAIT_SECONDS * 1000);
        return Math.max(0, f.lastMillis() + wait - clockMillis.getAsLong());
    }

    /** One more wrong login from {@code client}; returns how many in a row. */
    synchronized int failed(String client) {
        Failures f = byClient.get(client);
        int n = f == null ? 1 : f.count() + 1;
        byClient.put(client, new Failures(n, clockMillis.getAsLong()));
        return n;
    }

    synchronized void passed(String client) {
        byClient.remove(client);
    }
}
