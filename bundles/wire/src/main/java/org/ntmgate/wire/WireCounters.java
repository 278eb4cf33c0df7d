package org.ntmgate.wire;

import java.util.concurrent.atomic.LongAdder;

/** Datagrams dropped, by reason, and messages accepted: what a role shows in Gogo and the console. */
public final class WireCounters {
    private final DropCounters<WireDecodeException.Reason> dropped = new DropCounters<>(WireDecodeException.Reason.class);
    private final LongAdder accepted = new LongAdder();

    public void drop(WireDecodeException.Reason reason) {
        dropped.count(reason);
    }

    public void accept() {
        accepted.increment();
    }

    public long dropped(WireDecodeException.Reason reason) {
        return dropped.get(reason);
    }

    public long droppedTotal() {
        return dropped.total();
    }

    public long accepted() {
        return accepted.sum();
    }
}
