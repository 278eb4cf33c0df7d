package org.ntmgate.api.table;

/** What an entry translates; it decides nothing in the table itself, but tells tools and owners apart. */
public enum EntryKind {
    /** RS-N: an NTM node's virtual address (virtual side) and the RS-N egress address given to it (real side). */
    NTM_NODE,
    /** RS-N: a general node's virtual address (virtual side) and its real address (real side). */
    NTM_GENERAL_NODE,
    /** Teredo relay: a peer's Teredo IPv6 address (virtual side) and its mapped IPv4 address and UDP port (real side). */
    TEREDO_PEER,
    /** Put in by an administrator, for diagnosis or a fixed mapping. */
    STATIC,
    /**
     * NTM node (docs/protocol.md 11.6.1): a virtual IPv4 address its DNS stub answered (virtual side, port 0) and the
     * peer's virtual IPv6 address it stands for (real side, port 0). Last, so that snapshots keep their kinds.
     */
    NODE_IPV4
}
