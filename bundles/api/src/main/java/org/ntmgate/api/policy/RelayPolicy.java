package org.ntmgate.api.policy;

import org.osgi.annotation.versioning.ProviderType;

/** The relay policy service. Answers quickly and without I/O: it is asked on the signalling path. */
@ProviderType
public interface RelayPolicy {
    /** May {@code request.nodeFqdn()} reach the destination through {@code request.relayId()}? */
    RelayDecision decide(RelayRequest request);

    /** The limits that apply to a node on any relay. */
    RelayLimits limitsFor(String nodeFqdn);
}
