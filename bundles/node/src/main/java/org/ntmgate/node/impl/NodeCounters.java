package org.ntmgate.node.impl;

import org.ntmgate.role.DataPathCounters;

/** What the node moved through its tunnels and dropped (README, "Counters" and "Drops"). */
final class NodeCounters extends DataPathCounters<NodeCounters.Drop> {
    /** Why a packet was dropped. */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, NO_PATH, TOO_BIG, TUN_WRITE, UNEXPECTED, WRONG_SOURCE, LAN_UNMAPPED,
        /** protocol.md 11.6.5: an IPv4 packet (or its IPv6 answer) the translation does not carry. */
        V4_UNTRANSLATABLE,
        /** 11.6.3: a later fragment of a datagram whose first fragment was not seen. */
        FRAGMENT_UNMAPPED,
        /** 11.6.1: an address of the IPv4 pool, or a peer, with no live mapping. */
        NO_MAPPING
    }

    /** From this host and its LAN into the tunnels. */
    static final int SENT = 0;
    /** Out of the tunnels. */
    static final int RECEIVED = 1;

    NodeCounters() {
        super(Drop.class, Drop.MALFORMED, "sent", "received");
    }
}
