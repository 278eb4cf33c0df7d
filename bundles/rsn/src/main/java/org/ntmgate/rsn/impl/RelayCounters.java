package org.ntmgate.rsn.impl;

import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.role.DataPathCounters;

import io.netty.buffer.ByteBuf;

/** What the RS-N moved and dropped since it started (README, "Counters" and "Drops"), and the relay directions it took. */
final class RelayCounters extends DataPathCounters<RelayCounters.Drop> {
    /** Why a packet or message was dropped (protocol.md 10.1, 15.3-15.5). */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, UNKNOWN_KEY, NOT_IPV6, WRONG_ADDRESS, RATE_LIMITED, NO_PATH, TOO_BIG,
        NOT_THE_NODE, COUNTER_RESERVATION, TUN_WRITE
    }

    /** From nodes to the IPv6 side. */
    static final int TO_REAL = 0;
    /** Back to the nodes. */
    static final int TO_NODE = 1;

    private final LongAdder directions = new LongAdder();

    RelayCounters() {
        super(Drop.class, Drop.MALFORMED, "to_real", "to_node");
    }

    /**
     * Whether {@code ip} parsed {@code packet} as IPv6, the only family the RS-N relays (15.3); if not, the drop is
     * counted (MALFORMED or NOT_IPV6).
     */
    boolean ipv6(IpPacket ip, ByteBuf packet) {
        if (ip.parse(packet) != ParseStatus.OK) {
            drop(Drop.MALFORMED);
            return false;
        }
        if (ip.version() != 6) {
            drop(Drop.NOT_IPV6);
            return false;
        }
        return true;
    }

    void direction() {
        directions.increment();
    }

    long directions() {
        return directions.sum();
    }
}
