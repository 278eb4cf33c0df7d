package org.ntmgate.as.impl;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** K_node from a password (protocol.md 4.1): PBKDF2-HMAC-SHA-256, 32 bytes. */
final class Passwords {
    /** The iteration count for new accounts (OWASP's 2023 figure for PBKDF2-HMAC-SHA-256). */
    static final int DEFAULT_ITERATIONS = 210_000;
    static final int SALT_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has PBKDF2WithHmacSHA256", e);
        }
    }

    static byte[] newSalt() {
        byte[] s = new byte[SALT_LENGTH];
        RANDOM.nextBytes(s);
        return s;
    }

    static long newNodeId() {
        long id;
        do {
            id = RANDOM.nextLong();
        } while (id == 0);
        return id;
    }
}
