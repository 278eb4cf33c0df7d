package org.ntmgate.table.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.InvalidConfigurationException;

class TableSettingsTest {
    @Test
    void eachOutOfRangeValueIsRefusedNamingItsField() {
        assertField("capacity", () -> new TableSettings(0, 300, 5, 30));
        assertField("capacity", () -> new TableSettings(TableSettings.MAX_CAPACITY + 1, 300, 5, 30));
        assertField("idleTimeoutSeconds", () -> new TableSettings(10, 0, 5, 30));
        assertField("sweepIntervalSeconds", () -> new TableSettings(10, 300, 0, 30));
        assertField("snapshotIntervalSeconds", () -> new TableSettings(10, 300, 5, -1));
    }

    private static void assertField(String field, Runnable r) {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, r::run);
        assertEquals(field, e.field());
        assertEquals("org.ntmgate.table", e.pid());
        assertEquals(true, e.getMessage().startsWith("org.ntmgate.table: '" + field + "' must be "), e.getMessage());
    }

    @Test
    void theDefaultsAreValid() {
        assertEquals(65_536, TableSettings.DEFAULTS.capacity());
    }
}
