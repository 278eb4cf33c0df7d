package org.ntmgate.table.impl;

import org.ntmgate.api.table.TranslationTable;

/** Behind {@link org.ntmgate.table.TableFixture}: the table as the component makes it, without a snapshot or listener. */
public final class Fixture {
    private Fixture() {
    }

    public static TranslationTable open(int capacity, long idleTimeoutSeconds) {
        return new ConcurrentTranslationTable(TableSettings.DEFAULTS.withCapacity(capacity).withIdleTimeoutSeconds(idleTimeoutSeconds),
                new CoarseClock(System::currentTimeMillis), TableListener.NONE);
    }
}
