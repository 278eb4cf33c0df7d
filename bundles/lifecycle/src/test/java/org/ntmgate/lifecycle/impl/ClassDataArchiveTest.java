package org.ntmgate.lifecycle.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The delay property: a number of seconds, 0 or more; anything else is refused (logged) and 60 is used. */
class ClassDataArchiveTest {
    @Test
    void theDelayIsSecondsZeroOrMoreAndDefaultsTo60() {
        assertEquals(60, ClassDataArchive.delay(null));
        assertEquals(5, ClassDataArchive.delay(" 5 "));
        assertEquals(0, ClassDataArchive.delay("0"));
        assertEquals(60, ClassDataArchive.delay("-1"));
        assertEquals(60, ClassDataArchive.delay("soon"));
    }
}
