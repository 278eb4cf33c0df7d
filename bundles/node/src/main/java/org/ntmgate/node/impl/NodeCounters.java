package org.ntmgate.node.impl;

import java.util.Map;

import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.TrafficCounters;
import org.ntmgate.wire.WireDecodeException;

/** What the node moved through its tunnels and dropped (README, "Counters" and "Drops"), shared by its handlers. */
final class NodeCounters {
    /** Why a packet was dropped. */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, NO_PATH, TOO_BIG, TUN_WRITE, UNEXPECTED, WRONG_SOURCE, LAN_UNMAPPED
    }

    static final int SENT = 0;
    static final int RECEIVED = 1;

    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    /** {@link #SENT} from this host and its LAN into the tunnels, {@link #RECEIVED} out of them. */
    private final TrafficCounters traffic = new TrafficCounters("sent", "received");

    void drop(Drop why) {
        drops.count(why);
    }

    /** A datagram the wire codec refused: under its own name, else malformed. */
    void drop(WireDecodeException.Reason why) {
        drops.count(why, Drop.MALFORMED);
    }

    void moved(int direction, int bytes) {
        traffic.count(direction, bytes);
    }

    long packets(int direction) {
        return traffic.packets(direction);
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    RoleCounters snapshot() {
        return traffic.with(drops.snapshot());
    }
}
