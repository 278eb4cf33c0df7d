package org.ntmgate.api.policy;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** The relay policy service. Answers quickly and without I/O: it is asked on the signalling path. */
@ProviderType
public interface RelayPolicy {
    /** May {@code request.nodeFqdn()} reach the destination through {@code request.relayId()}? A refusal is kept among {@link #recentRefusals()}. */
    RelayDecision decide(RelayRequest request);

    /** The answer {@link #decide} would give, without counting as a request (an administrator's "would this be allowed?"). */
    RelayDecision check(RelayRequest request);

    /** The limits that apply to a node on any relay. */
    RelayLimits limitsFor(String nodeFqdn);

    /** The latest refusals of {@link #decide}, newest first (a bounded number: the policy's README says how many). */
    List<RelayRefusal> recentRefusals();
}
