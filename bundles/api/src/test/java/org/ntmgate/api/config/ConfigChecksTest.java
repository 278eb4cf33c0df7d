package org.ntmgate.api.config;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ConfigChecksTest {
    enum Mode {
        FAST, SAFE
    }

    @interface Sample {
        int capacity() default 10;

        long idleSeconds() default 300;

        boolean enabled() default true;

        Mode mode() default Mode.SAFE;

        String[] names() default {};

        String console_label() default "x";
    }

    @Test
    void storedStringsBecomeTheirTypesAndAbsentFieldsTakeTheirDefaults() {
        Sample s = ConfigChecks.typed("pid", Map.of("capacity", "42", "names", new String[] { "a", "b" }, "console.label", "{name}"), Sample.class);
        assertEquals(42, s.capacity());
        assertEquals(300, s.idleSeconds());
        assertEquals(Mode.SAFE, s.mode());
        assertArrayEquals(new String[] { "a", "b" }, s.names());
        assertEquals("{name}", s.console_label(), "an underscore is a dot in the property name, as in Declarative Services");
    }

    @Test
    void aValueOfTheWrongTypeIsOneLineNamingTheField() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> ConfigChecks.typed("org.ntmgate.table", Map.of("capacity", "banana"), Sample.class));
        assertEquals("capacity", e.field());
        assertEquals("org.ntmgate.table: 'capacity' must be a whole number, not 'banana'", e.getMessage());
        InvalidConfigurationException mode = assertThrows(InvalidConfigurationException.class,
                () -> ConfigChecks.typed("p", Map.of("mode", "SLOW"), Sample.class));
        assertEquals("p: 'mode' must be one of FAST, SAFE, not 'SLOW'", mode.getMessage());
    }

    @Test
    void propertyNamesFollowDeclarativeServices() {
        assertEquals("a.b", ConfigChecks.propertyName("a_b"));
        assertEquals("a_b", ConfigChecks.propertyName("a__b"));
        assertEquals("a-b", ConfigChecks.propertyName("a$_$b"));
        assertEquals("ab", ConfigChecks.propertyName("a$b"));
        assertEquals("a$b", ConfigChecks.propertyName("a$$b"));
    }
}
