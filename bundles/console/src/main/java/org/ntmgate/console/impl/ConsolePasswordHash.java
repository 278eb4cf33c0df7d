package org.ntmgate.console.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Password hashes in the form the Felix Web Console checks: {@code {sha-256}<hex salt>-<iterations>-<base64 digest>},
 * where the digest is SHA-256 applied {@code iterations} times to the UTF-8 bytes of salt followed by password.
 * The console verifies these itself; we only produce them, so the plain password is never stored.
 */
final class ConsolePasswordHash {
    static final int ITERATIONS = 10_000;
    private static final char[] ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789".toCharArray();

    private ConsolePasswordHash() {
    }

    static String hash(String password, String salt, int iterations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] bytes = (salt + password).getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < iterations; i++) {
                md.reset();
                bytes = md.digest(bytes);
            }
            return "{sha-256}" + salt + "-" + iterations + "-" + Base64.getEncoder().encodeToString(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
        }
    }

    static String hashWithNewSalt(String password, SecureRandom random) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return hash(password, HexFormat.of().formatHex(salt), ITERATIONS);
    }

    /** A password of {@code length} characters without look-alikes (0/O, 1/l/I): about 5.8 bits each. */
    static String newPassword(SecureRandom random, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(c);
    }
}
