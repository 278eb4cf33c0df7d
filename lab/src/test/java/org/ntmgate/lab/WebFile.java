package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;

/** Random bytes for the web server to serve, and their SHA-256: a test checks each download against it. */
record WebFile(byte[] bytes, String sha256) {

    static WebFile random(int size) {
        byte[] f = new byte[size];
        new SecureRandom().nextBytes(f);
        return new WebFile(f, Lab.sha256(f));
    }

    /** Fails the test, saying {@code what}, unless {@code got} is this file to the byte. */
    void assertArrived(byte[] got, String what) {
        assertEquals(bytes.length, got.length, what + ": length");
        assertEquals(sha256, Lab.sha256(got), what);
    }

    void assertArrived(Path got, String what) throws IOException {
        assertArrived(java.nio.file.Files.readAllBytes(got), what);
    }
}
