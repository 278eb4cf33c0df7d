package org.ntmgate.api.health;

import org.ntmgate.api.config.ConfigurationRecords;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

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
     * @param cm to see whether a configuration is stored
     * @param refusals the gate's refusals, or null when it is not running
     */
    public static String describe(String title, String pid, RoleStatus role, String details, ConfigurationAdmin cm, ConfigurationRecords refusals) {
        String refused = refusals == null ? null : refusals.refusal(pid);
        String tail = refused == null ? "" : "\nlast write refused: " + refused;
        if (role != null && role.serving()) {
            return title + " serving since " + role.since() + "\n" + (details == null ? role.detail() : details) + tail;
        }
        if (role != null) {
            return title + " configured but not serving: " + role.detail() + (details == null ? "" : "\n" + details) + tail;
        }
        if (stored(cm, pid)) {
            return title + " configured (PID " + pid + ") but not active: see /ntmgate/health and the log" + tail;
        }
        if (refused != null) {
            return title + " not configured: its configuration was refused: " + refused;
        }
        return title + " not configured (no configuration of PID " + pid + "; see its bundle README)";
    }

    private static boolean stored(ConfigurationAdmin cm, String pid) {
        try {
            Configuration[] c = cm.listConfigurations("(service.pid=" + pid + ")");
            return c != null && c.length > 0;
        } catch (Exception e) {
            return false;
        }
    }
}
