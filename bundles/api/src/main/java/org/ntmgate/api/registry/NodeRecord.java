package org.ntmgate.api.registry;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;

import org.ntmgate.api.net.Endpoint;

/**
 * One registered node.
 *
 * @param nodeId the id the DC gave the node at registration
 * @param fqdn the node's name
 * @param realReported the real address and port the node wrote inside its registration
 * @param realSeen the source address and port the DC saw the registration come from
 * @param behindNat true when the two differ: the node sits behind a NAT
 * @param virtualV4 the node's virtual IPv4 address
 * @param virtualV6 the node's virtual IPv6 address
 * @param registeredAt when it first registered
 * @param lastContact when the DC last heard from it
 * @param lifetime how long past {@code lastContact} it stays registered without a keep-alive
 */
public record NodeRecord(long nodeId, String fqdn, Endpoint realReported, Endpoint realSeen, boolean behindNat,
        InetAddress virtualV4, InetAddress virtualV6, Instant registeredAt, Instant lastContact, Duration lifetime) {

    /** True when the node has been silent past its lifetime at {@code now}. */
    public boolean expiredAt(Instant now) {
        return lastContact.plus(lifetime).isBefore(now);
    }
}
