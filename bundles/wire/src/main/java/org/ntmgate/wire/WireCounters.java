package org.ntmgate.wire;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Datagrams dropped, by reason, and messages accepted: what a role shows in Gogo and the console. */
public final class WireCounters {
    private final Map<WireDecodeException.Reason, LongAdder> dropped = new EnumMap<>(WireDecodeException.Reason.class);
    private final LongAdder accepted = new LongAdder();

    public WireCounters() {
        for (WireDecodeException.Reason r : WireDecodeException.Reason.values()) {
            dropped.put(r, new LongAdder());
        }
    }

    public void drop(WireDecodeException.Reason reason) {
        dropped.get(reason).increment();
    }

    public void accept() {
        accepted.increment();
    }

    public long dropped(WireDecodeException.Reason reason) {
        return dropped.get(reason).sum();
    }

    public long droppedTotal() {
        return dropped.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long accepted() {
        return accepted.sum();
    }
}
