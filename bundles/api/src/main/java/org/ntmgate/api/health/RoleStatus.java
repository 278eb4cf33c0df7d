package org.ntmgate.api.health;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Registered by every configured role (AS, DC, later RS-N and Teredo): whether it is doing its job right now, for the
 * health endpoint and the upgrade tool's health check. A role whose configuration was refused, or whose socket could
 * not be bound, is configured but not serving.
 */
@ConsumerType
public interface RoleStatus {
    /** The role's short name: "as", "dc". */
    String role();

    /** Whether the role serves now. */
    boolean serving();

    /** What it is doing, or why it is not serving, in one line. */
    String detail();

    /** When it last started serving (its configuration applied and its sockets open), or null when it does not. */
    default java.time.Instant since() {
        return null;
    }

    /** What the role moved and dropped since it started serving; {@link RoleCounters#NONE} when it counts nothing. */
    default RoleCounters counters() {
        return RoleCounters.NONE;
    }
}
