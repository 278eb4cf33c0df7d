package org.ntmgate.provision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CredentialsTest {
    @Test
    void aCredentialCarriesTheDerivedKeyNotThePassword() {
        String c = Credentials.of("correct horse", 1000);
        assertTrue(c.startsWith("{pbkdf2-sha256}1000$"), c);
        assertFalse(c.contains("correct"));
        Credentials.Derived d = Credentials.parse(c);
        assertEquals(1000, d.iterations());
        assertEquals(Credentials.SALT_LENGTH, d.salt().length);
        assertArrayEquals(Credentials.derive("correct horse", d.salt(), 1000), d.key());
        assertFalse(java.util.Arrays.equals(Credentials.derive("correct horsf", d.salt(), 1000), d.key()));
        assertNotEquals(c, Credentials.of("correct horse", 1000), "a new salt each time");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Credentials.of("short", 1000)).getMessage().contains("at least 8 characters"));
    }

    @Test
    void malformedCredentialsSayHowToMakeOne() {
        for (String bad : new String[] { "", "correct horse", "{pbkdf2-sha256}1000$00", "{pbkdf2-sha256}x$0011223344556677$00",
                "{pbkdf2-sha256}1000$0011223344556677$0011" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Credentials.parse(bad), bad);
            assertTrue(e.getMessage().contains("as:hash"), e.getMessage());
        }
    }
}
