package org.ntmgate.api.policy;

/**
 * Limits on what one node may use a relay for. 0 means unlimited.
 *
 * @param maxSessions relayed paths the node may hold at once
 * @param maxBytesPerSecond sustained relayed bytes per second
 * @param maxPacketsPerSecond sustained relayed packets per second
 */
public record RelayLimits(int maxSessions, long maxBytesPerSecond, long maxPacketsPerSecond) {
    public static final RelayLimits UNLIMITED = new RelayLimits(0, 0, 0);

    public RelayLimits {
        if (maxSessions < 0 || maxBytesPerSecond < 0 || maxPacketsPerSecond < 0) {
            throw new IllegalArgumentException("relay limits are 0 (unlimited) or positive");
        }
    }
}
