package org.ntmgate.role;

import org.ntmgate.api.health.RoleCounters;

/**
 * A role's running engine (what its {@link RoleRunner} makes, starts and closes): what it is doing and what it has
 * counted, for the role's {@code RoleStatus} through {@link RunnerStatus}. Closing it stops everything it started.
 */
public interface RoleEngine extends AutoCloseable {
    /** What the engine is doing, in one line ("relaying on udp 192.0.2.1:4500, 3 path(s)"). */
    String status();

    /** What it moved and dropped since it started. */
    default RoleCounters counters() {
        return RoleCounters.NONE;
    }
}
