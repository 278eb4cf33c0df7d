package org.ntmgate.table.impl;

import org.ntmgate.api.config.InvalidConfigurationException;

/**
 * Validated table settings. {@link #from(TableConfig)} refuses a bad value with a message naming the field, so an
 * administrator who typed a wrong number in the console is told which one.
 */
record TableSettings(int capacity, long idleTimeoutSeconds, int sweepIntervalSeconds, int snapshotIntervalSeconds) {
    static final String PID = "org.ntmgate.table";
    static final int MAX_CAPACITY = 16_777_216;
    static final TableSettings DEFAULTS = new TableSettings(65_536, 300, 5, 30);

    static TableSettings from(TableConfig c) {
        return new TableSettings(c.capacity(), c.idleTimeoutSeconds(), c.sweepIntervalSeconds(), c.snapshotIntervalSeconds());
    }

    TableSettings {
        check("capacity", capacity, 1, MAX_CAPACITY);
        check("idleTimeoutSeconds", idleTimeoutSeconds, 1, 7 * 24 * 3600);
        check("sweepIntervalSeconds", sweepIntervalSeconds, 1, 3600);
        check("snapshotIntervalSeconds", snapshotIntervalSeconds, 1, 24 * 3600);
    }

    private static void check(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigurationException(PID, field, "must be between " + min + " and " + max + ", not " + value);
        }
    }

    TableSettings withCapacity(int c) {
        return new TableSettings(c, idleTimeoutSeconds, sweepIntervalSeconds, snapshotIntervalSeconds);
    }

    TableSettings withIdleTimeoutSeconds(long s) {
        return new TableSettings(capacity, s, sweepIntervalSeconds, snapshotIntervalSeconds);
    }
}
