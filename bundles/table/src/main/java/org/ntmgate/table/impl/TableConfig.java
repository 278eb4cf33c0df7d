package org.ntmgate.table.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.table}; the Web Console's Configuration page edits it. */
@ObjectClassDefinition(name = "ntmgate translation table",
        description = "The shared translation table used by the RS-N and the Teredo relay. Changes take effect at once;"
                + " entries are kept.")
public @interface TableConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String CAPACITY_MIN = "1";
    String CAPACITY_MAX = "16777216";
    String IDLE_TIMEOUT_SECONDS_MIN = "1";
    String IDLE_TIMEOUT_SECONDS_MAX = "604800";
    String SWEEP_INTERVAL_SECONDS_MIN = "1";
    String SWEEP_INTERVAL_SECONDS_MAX = "3600";
    String SNAPSHOT_INTERVAL_SECONDS_MIN = "1";
    String SNAPSHOT_INTERVAL_SECONDS_MAX = "86400";

    @AttributeDefinition(name = "Capacity", min = CAPACITY_MIN, max = CAPACITY_MAX,
            description = "Most entries the table holds; inserts beyond it are refused and counted."
                    + " Lowering it below the current size keeps existing entries.")
    int capacity() default 65_536;

    @AttributeDefinition(name = "Idle timeout (seconds)", min = IDLE_TIMEOUT_SECONDS_MIN, max = IDLE_TIMEOUT_SECONDS_MAX,
            description = "An entry unused for this long expires, unless its owner gave it a timeout of its own.")
    long idleTimeoutSeconds() default 300;

    @AttributeDefinition(name = "Sweep interval (seconds)", min = SWEEP_INTERVAL_SECONDS_MIN, max = SWEEP_INTERVAL_SECONDS_MAX,
            description = "How often idle entries are looked for.")
    int sweepIntervalSeconds() default 5;

    @AttributeDefinition(name = "Snapshot interval (seconds)", min = SNAPSHOT_INTERVAL_SECONDS_MIN, max = SNAPSHOT_INTERVAL_SECONDS_MAX,
            description = "How often the entries are saved when they changed; they are always saved on a clean stop."
                    + " A crash loses at most this much.")
    int snapshotIntervalSeconds() default 30;
}
