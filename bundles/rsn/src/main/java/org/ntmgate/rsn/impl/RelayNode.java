package org.ntmgate.rsn.impl;

import org.ntmgate.role.Key128;
import org.ntmgate.role.TokenBucket;
import java.util.concurrent.ConcurrentHashMap;

import org.ntmgate.api.policy.RelayLimits;

/**
 * A node this RS-N relays for: its egress address (one per node, 15.1), its paths by the general node's real
 * address (the reverse lookup of 15.4), and its rate limits, one bucket per direction (each used by one thread).
 */
final class RelayNode {
    final long nodeId;
    final byte[] egress;
    final Key128 egressKey;
    final ConcurrentHashMap<Key128, RelayPath> byReal = new ConcurrentHashMap<>();
    volatile RelayLimits limits;
    TokenBucket bytesToReal;
    TokenBucket packetsToReal;
    TokenBucket bytesToNode;
    TokenBucket packetsToNode;

    RelayNode(long nodeId, byte[] egress, RelayLimits limits, long nowMillis) {
        this.nodeId = nodeId;
        this.egress = egress;
        this.egressKey = Key128.of(egress);
        limits(limits, nowMillis);
    }

    void limits(RelayLimits l, long nowMillis) {
        limits = l;
        bytesToReal = TokenBucket.perSecond(l.maxBytesPerSecond(), nowMillis);
        packetsToReal = TokenBucket.perSecond(l.maxPacketsPerSecond(), nowMillis);
        bytesToNode = TokenBucket.perSecond(l.maxBytesPerSecond(), nowMillis);
        packetsToNode = TokenBucket.perSecond(l.maxPacketsPerSecond(), nowMillis);
    }
}
