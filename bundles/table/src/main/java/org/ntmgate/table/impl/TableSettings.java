package org.ntmgate.table.impl;

import org.ntmgate.api.config.ConfigChecks;

/**
 * Validated table settings. {@link #from(TableConfig)} refuses a bad value with a message naming the field, so an
 * administrator who typed a wrong number in the console is told which one.
 */
record TableSettings(int capacity, long idleTimeoutSeconds, int sweepIntervalSeconds, int snapshotIntervalSeconds) {
    static final String PID = "org.ntmgate.table";
    static final int MAX_CAPACITY = Integer.parseInt(TableConfig.CAPACITY_MAX);
    static final TableSettings DEFAULTS = new TableSettings(65_536, 300, 5, 30);

    static TableSettings from(TableConfig c) {
        return new TableSettings(c.capacity(), c.idleTimeoutSeconds(), c.sweepIntervalSeconds(), c.snapshotIntervalSeconds());
    }

    TableSettings {
        ConfigChecks.range(PID, "capacity", capacity, TableConfig.CAPACITY_MIN, TableConfig.CAPACITY_MAX);
        ConfigChecks.range(PID, "idleTimeoutSeconds", idleTimeoutSeconds, TableConfig.IDLE_TIMEOUT_SECONDS_MIN, TableConfig.IDLE_TIMEOUT_SECONDS_MAX);
        ConfigChecks.range(PID, "sweepIntervalSeconds", sweepIntervalSeconds, TableConfig.SWEEP_INTERVAL_SECONDS_MIN, TableConfig.SWEEP_INTERVAL_SECONDS_MAX);
        ConfigChecks.range(PID, "snapshotIntervalSeconds", snapshotIntervalSeconds, TableConfig.SNAPSHOT_INTERVAL_SECONDS_MIN,
                TableConfig.SNAPSHOT_INTERVAL_SECONDS_MAX);
    }

    TableSettings withCapacity(int c) {
        return new TableSettings(c, idleTimeoutSeconds, sweepIntervalSeconds, snapshotIntervalSeconds);
    }

    TableSettings withIdleTimeoutSeconds(long s) {
        return new TableSettings(capacity, s, sweepIntervalSeconds, snapshotIntervalSeconds);
    }
}
