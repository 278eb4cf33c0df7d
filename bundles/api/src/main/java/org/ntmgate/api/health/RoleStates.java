package org.ntmgate.api.health;

import org.ntmgate.api.config.ConfigurationRecords;

/**
 * The one wording of every role's status command, whether or not the role runs: "serving since ...", "configured
 * but not serving: ...", "not configured", "refused: ...". A field tech asks the same question of every role.
 */
public final class RoleStates {
    private RoleStates() {
    }

    /**
     * @param title the role's name for people ("RS-N")
     * @param pid its configuration PID
     * @param role its status, or null when the role's component is not there
     * @param details what the role's component adds (counters, paths), on lines of their own; null when it is not there
     * @param records the configuration gate's records, or null when it is not running
     */
    public static String describe(String title, String pid, RoleStatus role, String details, ConfigurationRecords records) {
        String refused = records == null ? null : records.refusal(pid);
        String tail = refused == null ? "" : "\nlast write refused: " + refused;
        if (role != null && role.serving()) {
            return title + " serving since " + role.since() + "\n" + (details == null ? role.detail() : details) + tail;
        }
        if (role != null) {
            return title + " configured but not serving: " + role.detail() + (details == null ? "" : "\n" + details) + tail;
        }
        if (records != null && records.stored(pid)) {
            return title + " configured (PID " + pid + ") but not active: see /ntmgate/health and the log" + tail;
        }
        if (refused != null) {
            return title + " not configured: its configuration was refused: " + refused;
        }
        return title + " not configured (no configuration of PID " + pid + "; see its bundle README)";
    }
}
