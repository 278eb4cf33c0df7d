package org.ntmgate.api.policy;

import java.net.InetAddress;

/**
 * A question to the policy.
 *
 * @param nodeFqdn the node that wants the relay
 * @param destinationFqdn the name it asked for, or {@code null} when only an address is known
 * @param destination the destination's real address, or {@code null} when not yet resolved
 * @param relayId the relay being considered (an RS-N's configured id)
 */
public record RelayRequest(String nodeFqdn, String destinationFqdn, InetAddress destination, String relayId) {
}
