package org.ntmgate.console.impl;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Password hashes in the form the Felix Web Console uses: {@code {sha-256}<hex salt>-<iterations>-<base64 digest>},
 * where the digest is SHA-256 applied {@code iterations} times to the UTF-8 bytes of salt followed by password. Only
 * hashes are stored; {@link #matches} also takes the console's older unsalted {@code {sha-256}<base64>} form, which an
 * administrator may have configured, and a plain password, which {@link ConsoleCredentials} replaces by its hash.
 */
final class ConsolePasswordHash {
    /** For passwords an administrator chose: slows a guesser who has the stored hash 10,000-fold. */
    static final int ITERATIONS = 10_000;
    /**
     * For the passwords this bundle generates ({@link #newPassword}, 24 characters of 57: about 140 bits): no guesser
     * gets through that space, slowed or not, so one salted digest is as safe, and checking it costs a starting JVM
     * nothing where 10,000 digests cost it 0.1-0.2 s of the console's first answer.
     */
    static final int GENERATED_ITERATIONS = 1;
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
        return hashWithNewSalt(password, random, ITERATIONS);
    }

    static String hashWithNewSalt(String password, SecureRandom random, int iterations) {
        byte[] salt = new byte[16];
        random.nextBytes(salt);
        return hash(password, HexFormat.of().formatHex(salt), iterations);
    }

    /** True for the two hashed forms; anything else is a plain password. */
    static boolean isHash(String stored) {
        return stored.startsWith("{sha-256}");
    }

    /** Whether {@code password} is the one {@code stored} describes; compares digests in constant time. */
    static boolean matches(String stored, String password) {
        byte[] expected;
        byte[] actual;
        if (!isHash(stored)) {
            expected = stored.getBytes(StandardCharsets.UTF_8);
            actual = password.getBytes(StandardCharsets.UTF_8);
        } else {
            String rest = stored.substring("{sha-256}".length());
            String[] parts = rest.split("-", 3);
            try {
                if (parts.length == 3) {
                    int iterations = Integer.parseInt(parts[1]);
                    if (iterations < 1 || iterations > 1_000_000) {
                        return false;
                    }
                    expected = stored.getBytes(StandardCharsets.UTF_8);
                    actual = hash(password, parts[0], iterations).getBytes(StandardCharsets.UTF_8);
                } else {
                    expected = Base64.getDecoder().decode(rest);
                    actual = MessageDigest.getInstance("SHA-256").digest(password.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException | NoSuchAlgorithmException e) {
                return false; // a stored value we cannot read matches nothing
            }
        }
        return MessageDigest.isEqual(expected, actual);
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
