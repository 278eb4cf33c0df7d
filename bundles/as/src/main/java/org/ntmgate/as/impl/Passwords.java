package org.ntmgate.as.impl;

import java.security.SecureRandom;

/** K_node from a password (protocol.md 4.1): PBKDF2-HMAC-SHA-256, 32 bytes. */
final class Passwords {
    /** The iteration count for new accounts (OWASP's 2023 figure for PBKDF2-HMAC-SHA-256). */
    static final int DEFAULT_ITERATIONS = 210_000;
    static final int SALT_LENGTH = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    static byte[] derive(String password, byte[] salt, int iterations) {
        return org.ntmgate.wire.NodeKey.derive(password, salt, iterations);
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

    /** The prefix of a derived credential, as {@code as:hash} prints it and account configurations carry it. */
    static final String CREDENTIAL_PREFIX = "{pbkdf2-sha256}";

    /** {@code {pbkdf2-sha256}<iterations>$<salt hex>$<key hex>}: what an account configuration holds instead of a password. */
    static String credential(String password, int iterations) {
        byte[] salt = newSalt();
        java.util.HexFormat hex = java.util.HexFormat.of();
        return CREDENTIAL_PREFIX + iterations + "$" + hex.formatHex(salt) + "$" + hex.formatHex(derive(password, salt, iterations));
    }

    /** Salt, iterations and key of a credential; IllegalArgumentException says what is wrong with it. */
    record Derived(byte[] salt, int iterations, byte[] key) {
    }

    static Derived parseCredential(String credential) {
        String c = credential == null ? "" : credential.trim();
        if (!c.startsWith(CREDENTIAL_PREFIX)) {
            throw new IllegalArgumentException("must start with " + CREDENTIAL_PREFIX + " (make one with as:hash)");
        }
        String[] f = c.substring(CREDENTIAL_PREFIX.length()).split("\\$");
        try {
            java.util.HexFormat hex = java.util.HexFormat.of();
            Derived d = new Derived(hex.parseHex(f[1]), Integer.parseInt(f[0]), hex.parseHex(f[2]));
            if (f.length != 3 || d.iterations() < 1 || d.salt().length < 8 || d.key().length != 32) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not iterations$salt$key with a 32-byte key (make one with as:hash)");
        }
    }
}
