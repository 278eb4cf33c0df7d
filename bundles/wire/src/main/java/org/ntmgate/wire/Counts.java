package org.ntmgate.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Counts of the things a role does or refuses, one per constant of an enum of its own (logins, failures,
 * advertisements...): counted from any thread without a lock, read one by one or as a snapshot, said the same way
 * in every Gogo status and log line ("logins 3, failures 1", or "none").
 */
public class Counts<E extends Enum<E>> {
    private final Class<E> kinds;
    private final EnumMap<E, LongAdder> counts;

    public Counts(Class<E> kinds) {
        this.kinds = kinds;
        this.counts = new EnumMap<>(kinds);
        for (E k : kinds.getEnumConstants()) {
            counts.put(k, new LongAdder());
        }
    }

    /** The counter of {@code kind} itself, for a subclass that counts into it by another key. */
    protected final LongAdder adder(E kind) {
        return counts.get(kind);
    }

    /** One more of {@code kind}. */
    public final void count(E kind) {
        counts.get(kind).increment();
    }

    /** {@code n} more of {@code kind} (a queue given up at once). */
    public final void count(E kind, long n) {
        counts.get(kind).add(n);
    }

    public final long get(E kind) {
        return counts.get(kind).sum();
    }

    public final long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Every kind with its count so far, zeros included. */
    public final Map<E, Long> snapshot() {
        Map<E, Long> m = new EnumMap<>(kinds);
        counts.forEach((r, n) -> m.put(r, n.sum()));
        return m;
    }

    /** The kinds that counted anything, in the enum's order: "bad_mac 3, replay 1"; "none" when nothing was counted. */
    @Override
    public String toString() {
        return describe(snapshot());
    }

    /** {@link #toString()} for a snapshot taken earlier. */
    public static String describe(Map<? extends Enum<?>, Long> snapshot) {
        String s = snapshot.entrySet().stream().filter(e -> e.getValue() > 0).map(e -> e.getKey().name().toLowerCase() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        return s.isEmpty() ? "none" : s;
    }
}
