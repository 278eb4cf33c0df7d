package org.ntmgate.wire;

import java.util.concurrent.atomic.LongAdder;

/**
 * Packets or datagrams a role dropped, by reason (an enum of the role's own), as {@link Counts}; a datagram the wire
 * codec refused counts under the role's reason of the codec reason's name.
 */
public final class DropCounters<E extends Enum<E>> extends Counts<E> {
    /** The role's reason named as each of the codec's, by the codec reason's ordinal; null where the role has none. */
    private final LongAdder[] byWireReason = new LongAdder[WireDecodeException.Reason.values().length];

    public DropCounters(Class<E> reasons) {
        super(reasons);
        for (WireDecodeException.Reason w : WireDecodeException.Reason.values()) {
            for (E r : reasons.getEnumConstants()) {
                if (r.name().equals(w.name())) {
                    byWireReason[w.ordinal()] = adder(r);
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
        (n != null ? n : adder(otherwise)).increment();
    }
}
