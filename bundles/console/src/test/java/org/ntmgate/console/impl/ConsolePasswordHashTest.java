package org.ntmgate.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConsolePasswordHashTest {

    @Test
    void theHashHasTheWebConsoleLayout() {
        String h = ConsolePasswordHash.hash("secret", "00ff", 3);
        assertTrue(h.matches("\\{sha-256\\}00ff-3-[A-Za-z0-9+/]{43}="), h);
    }

    @Test
    void oneIterationIsSha256OfSaltThenPassword() {
        // sha256("abc") is the FIPS 180-2 test vector ba7816bf...; "a" + "bc" must give the same digest.
        assertEquals("{sha-256}a-1-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=", ConsolePasswordHash.hash("bc", "a", 1));
    }

    @Test
    void chosenPasswordsAreStretchedAndGeneratedOnesTakeOneSaltedDigest() {
        SecureRandom r = new SecureRandom();
        String chosen = ConsolePasswordHash.hashWithNewSalt("admin-chose-this", r);
        assertTrue(chosen.matches("\\{sha-256\\}[0-9a-f]{32}-10000-.{44}"), chosen);
        assertTrue(ConsolePasswordHash.matches(chosen, "admin-chose-this"));
        String generated = ConsolePasswordHash.newPassword(r, 24);
        String stored = ConsolePasswordHash.hashWithNewSalt(generated, r, ConsolePasswordHash.GENERATED_ITERATIONS);
        assertTrue(stored.matches("\\{sha-256\\}[0-9a-f]{32}-1-.{44}"), stored);
        assertTrue(ConsolePasswordHash.matches(stored, generated));
        assertTrue(!ConsolePasswordHash.matches(stored, generated.substring(1)));
    }

    @Test
    void eachGeneratedHashHasItsOwnSalt() {
        SecureRandom r = new SecureRandom();
        assertNotEquals(ConsolePasswordHash.hashWithNewSalt("same", r), ConsolePasswordHash.hashWithNewSalt("same", r));
    }

    @Test
    void generatedPasswordsAreLongAndUnambiguous() {
        String p = ConsolePasswordHash.newPassword(new SecureRandom(), 24);
        assertEquals(24, p.length());
        assertTrue(p.chars().noneMatch(c -> "0O1lI".indexOf(c) >= 0), p);
    }

    @Test
    void thePasswordFileIsReadableByItsOwnerOnly(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sub/console-password");
        ConsoleCredentials.writeOwnerOnly(f, "password=x\n");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("password=x\n", Files.readString(f));
        ConsoleCredentials.writeOwnerOnly(f, "password=y\n");
        assertEquals("password=y\n", Files.readString(f));
    }
}
