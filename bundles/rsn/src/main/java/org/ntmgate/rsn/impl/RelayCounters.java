package org.ntmgate.rsn.impl;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.TrafficCounters;
import org.ntmgate.wire.WireDecodeException;

/** What the RS-N moved and dropped since it started (README, "Counters" and "Drops"), shared by its handlers. */
final class RelayCounters {
    /** Why a packet or message was dropped (protocol.md 10.1, 15.3-15.5). */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, UNKNOWN_KEY, NOT_IPV6, WRONG_ADDRESS, RATE_LIMITED, NO_PATH, TOO_BIG,
        NOT_THE_NODE, COUNTER_RESERVATION, TUN_WRITE
    }

    static final int TO_REAL = 0;
    static final int TO_NODE = 1;

    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    /** Packets and bytes relayed: {@link #TO_REAL} from nodes to the IPv6 side, {@link #TO_NODE} back to the nodes. */
    private final TrafficCounters traffic = new TrafficCounters("to_real", "to_node");
    private final LongAdder directions = new LongAdder();

    void drop(Drop why) {
        drops.count(why);
    }

    /** A signalling message or DATA packet the wire codec refused: under its own name, else malformed. */
    void drop(WireDecodeException.Reason why) {
        drops.count(why, Drop.MALFORMED);
    }

    void relayed(int direction, int bytes) {
        traffic.count(direction, bytes);
    }

    void direction() {
        directions.increment();
    }

    long relayed(int direction) {
        return traffic.packets(direction);
    }

    long directions() {
        return directions.sum();
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    RoleCounters snapshot() {
        return traffic.with(drops.snapshot());
    }
}
