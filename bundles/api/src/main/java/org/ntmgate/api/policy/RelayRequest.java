package org.ntmgate.api.policy;

import java.net.InetAddress;

/**
 * A question to the policy.
 *
 * @param nodeFqdn the node that wants the relay
 * @param destinationFqdn the name it asked for, or {@code null} when only an address is known
 * @param destination the destination's real address, or {@code null} when not yet resolved
 * @param relayId the relay being considered (the DC's id of an RS-N), or {@code null} when a relay asks about a path it
 *        carries already (it does not know the DC's name for itself): the allowed-relays rule is then not applied
 */
public record RelayRequest(String nodeFqdn, String destinationFqdn, InetAddress destination, String relayId) {
}
