package org.ntmgate.table;

import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.table.impl.Fixture;

/**
 * The table bundle's translation table outside a framework: the same class the bundle's component serves, with the
 * shipped settings but for {@code capacity} and the default idle timeout, the system clock, no snapshot and no events.
 */
public final class TableFixture {
    private TableFixture() {
    }

    public static TranslationTable open(int capacity, long idleTimeoutSeconds) {
        return Fixture.open(capacity, idleTimeoutSeconds);
    }
}
