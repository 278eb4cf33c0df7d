package org.ntmgate.api.pool;

/** What the addresses of a pool are given to. */
public enum PoolPurpose {
    /** Virtual addresses of NTM nodes (V4mn, V6mn), given at registration. */
    NODE,
    /** Virtual addresses standing for general nodes (V6gn), given when a node asks for a route to one. */
    GENERAL_NODE
}
