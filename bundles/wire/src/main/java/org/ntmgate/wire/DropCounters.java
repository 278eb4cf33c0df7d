package org.ntmgate.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;

/**
 * Packets or datagrams a role dropped, by reason (an enum of the role's own): counted from any thread without a
 * lock, read as a snapshot, and said the same way in every role's Gogo status and log line ("bad_mac 3, replay 1", or
 * "none").
 */
public final class DropCounters<E extends Enum<E>> {
    private final Class<E> reasons;
    private final EnumMap<E, LongAdder> counts;
    /** The role's reason named as each of the codec's, by the codec reason's ordinal; null where the role has none. */
    private final LongAdder[] byWireReason = new LongAdder[WireDecodeException.Reason.values().length];

    public DropCounters(Class<E> reasons) {
        this.reasons = reasons;
        this.counts = new EnumMap<>(reasons);
        for (E r : reasons.getEnumConstants()) {
            counts.put(r, new LongAdder());
        }
        for (WireDecodeException.Reason w : WireDecodeException.Reason.values()) {
            for (E r : reasons.getEnumConstants()) {
                if (r.name().equals(w.name())) {
                    byWireReason[w.ordinal()] = counts.get(r);
                }
            }
        }
    }

    /**
     * A datagram the wire codec refused: counted under the role's reason of the same name ("bad_mac", "replay",
     * "unknown_path"...), or under {@code otherwise} where the role has no such reason.
     */
    public void count(WireDecodeException.Reason why, E otherwise) {
        LongAdder n = byWireReason[why.ordinal()];
        (n != null ? n : counts.get(otherwise)).increment();
    }

    /** One more dropped for {@code reason}. */
    public void count(E reason) {
        counts.get(reason).increment();
    }

    /** {@code n} more dropped for {@code reason} (a queue given up at once). */
    public void count(E reason, long n) {
        counts.get(reason).add(n);
    }

    public long get(E reason) {
        return counts.get(reason).sum();
    }

    public long total() {
        return counts.values().stream().mapToLong(LongAdder::sum).sum();
    }

    /** Every reason with its count so far, zeros included. */
    public Map<E, Long> snapshot() {
        Map<E, Long> m = new EnumMap<>(reasons);
        counts.forEach((r, n) -> m.put(r, n.sum()));
        return m;
    }

    /** The reasons that counted anything, in the enum's order: "bad_mac 3, replay 1"; "none" when nothing was dropped. */
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
