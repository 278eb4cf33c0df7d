package org.ntmgate.api.policy;

/**
 * The policy's answer.
 *
 * @param allowed whether the relay may be used
 * @param reason why, naming the rule that decided (shown to administrators and sent in error replies)
 * @param limits the limits that apply when allowed
 */
public record RelayDecision(boolean allowed, String reason, RelayLimits limits) {
    public static RelayDecision allow(String reason, RelayLimits limits) {
        return new RelayDecision(true, reason, limits);
    }

    public static RelayDecision deny(String reason) {
        return new RelayDecision(false, reason, RelayLimits.UNLIMITED);
    }
}
