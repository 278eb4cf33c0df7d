package org.ntmgate.node.impl;

import org.ntmgate.role.DataPathCounters;

/** What the node moved through its tunnels and dropped (README, "Counters" and "Drops"). */
final class NodeCounters extends DataPathCounters<NodeCounters.Drop> {
    /** Why a packet was dropped. */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, NO_PATH, TOO_BIG, TUN_WRITE, UNEXPECTED, WRONG_SOURCE, LAN_UNMAPPED
    }

    /** From this host and its LAN into the tunnels. */
    static final int SENT = 0;
    /** Out of the tunnels. */
    static final int RECEIVED = 1;

    NodeCounters() {
        super(Drop.class, Drop.MALFORMED, "sent", "received");
    }
}
