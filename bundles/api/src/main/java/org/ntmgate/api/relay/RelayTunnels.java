package org.ntmgate.api.relay;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/** A serving RS-N's live paths, for the console and automation. Registered while the RS-N is configured (no tunnels while it is not relaying). */
@ProviderType
public interface RelayTunnels {
    /** A snapshot of every live path. */
    List<Tunnel> tunnels();

    /**
     * Closes the path {@code pathId} at once: its translation entries go and its packets are dropped from now on, so
     * the node sets up a new path through the DC (where the relay policy is asked again). False when no such path.
     */
    boolean disconnect(long pathId);
}
