package org.ntmgate.api.policy;

import java.time.Instant;

/**
 * A request the policy refused.
 *
 * @param at when
 * @param request what was asked
 * @param reason the rule that refused it, as {@link RelayDecision#reason()} says
 */
public record RelayRefusal(Instant at, RelayRequest request, String reason) {
}
