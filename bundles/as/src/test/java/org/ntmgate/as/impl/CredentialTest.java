package org.ntmgate.as.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CredentialTest {
    @Test
    void aCredentialCarriesTheDerivedKeyNotThePassword() {
        String c = Passwords.credential("correct horse", 1000);
        assertTrue(c.startsWith("{pbkdf2-sha256}1000$"), c);
        assertFalse(c.contains("correct"));
        Passwords.Derived d = Passwords.parseCredential(c);
        assertEquals(1000, d.iterations());
        assertArrayEquals(Passwords.derive("correct horse", d.salt(), 1000), d.key());
    }

    @Test
    void malformedCredentialsSayHowToMakeOne() {
        for (String bad : new String[] { "", "correct horse", "{pbkdf2-sha256}1000$00", "{pbkdf2-sha256}x$0011223344556677$00",
                "{pbkdf2-sha256}1000$0011223344556677$0011" }) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Passwords.parseCredential(bad), bad);
            assertTrue(e.getMessage().contains("as:hash"), e.getMessage());
        }
    }
}
