package org.ntmgate.api.relay;

import java.time.Instant;

/**
 * One live relayed path of an RS-N, as an administrator sees it.
 *
 * @param pathId the path's id (hex in every view, as in the RS-N's log)
 * @param nodeId the node's id (the DC's NodeRegistry knows its name)
 * @param destination the name the node asked for, or null when the DC did not say it
 * @param nodeVirtual the node's virtual IPv6 address
 * @param peer the general node's virtual address
 * @param egress the node's egress address towards the peer
 * @param real the peer's real address
 * @param endpoint the node's UDP endpoint as the RS-N last saw it, or null before its first packet
 * @param packetsToReal packets the node sent to the peer through this path
 * @param bytesToReal their bytes
 * @param packetsToNode packets the peer sent back to the node
 * @param bytesToNode their bytes
 * @param created when the path was set up
 * @param lastData when a DATA packet last crossed it
 */
public record Tunnel(long pathId, long nodeId, String destination, String nodeVirtual, String peer, String egress, String real, String endpoint, long packetsToReal,
        long bytesToReal, long packetsToNode, long bytesToNode, Instant created, Instant lastData) {
}
