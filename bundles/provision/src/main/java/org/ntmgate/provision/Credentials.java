package org.ntmgate.provision;

import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.HexFormat;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A node's credential as an account configuration holds it instead of its password (protocol.md 4.1):
 * {@code {pbkdf2-sha256}<iterations>$<salt, hex>$<K_node, hex>}, K_node being PBKDF2-HMAC-SHA-256 of the password
 * over the salt, 32 bytes.
 */
public final class Credentials {
    /** The iteration count for new credentials: OWASP's 2023 figure for PBKDF2-HMAC-SHA-256 (4.1: at least this). */
    public static final int DEFAULT_ITERATIONS = 210_000;
    /** 4.1: 16 random bytes. */
    public static final int SALT_LENGTH = 16;
    public static final String PREFIX = "{pbkdf2-sha256}";
    /** The shortest password a credential is made of. */
    public static final int MIN_PASSWORD_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Credentials() {
    }

    /** A credential's parts. */
    public record Derived(byte[] salt, int iterations, byte[] key) {
    }

    /** K_node: PBKDF2-HMAC-SHA-256 of {@code password} over {@code salt}, 32 bytes (4.1). */
    public static byte[] derive(String password, byte[] salt, int iterations) {
        try {
            PBEKeySpec spec = new PBEKeySpec(password.toCharArray(), salt, iterations, 256);
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has PBKDF2WithHmacSHA256", e);
        }
    }

    public static byte[] newSalt() {
        byte[] s = new byte[SALT_LENGTH];
        RANDOM.nextBytes(s);
        return s;
    }

    /** The credential of {@code password} with a new salt; IllegalArgumentException when the password is too short. */
    public static String of(String password, int iterations) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a password has at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be at least 1, not " + iterations);
        }
        byte[] salt = newSalt();
        HexFormat hex = HexFormat.of();
        return PREFIX + iterations + "$" + hex.formatHex(salt) + "$" + hex.formatHex(derive(password, salt, iterations));
    }

    /** Salt, iterations and key of {@code credential}; IllegalArgumentException says what is wrong with it. */
    public static Derived parse(String credential) {
        String c = credential == null ? "" : credential.trim();
        if (!c.startsWith(PREFIX)) {
            throw new IllegalArgumentException("must start with " + PREFIX + " (make one with 'ntmgate account add' or as:hash)");
        }
        String[] f = c.substring(PREFIX.length()).split("\\$");
        try {
            HexFormat hex = HexFormat.of();
            Derived d = new Derived(hex.parseHex(f[1]), Integer.parseInt(f[0]), hex.parseHex(f[2]));
            if (f.length != 3 || d.iterations() < 1 || d.salt().length < 8 || d.key().length != 32) {
                throw new IllegalArgumentException();
            }
            return d;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("is not iterations$salt$key with a 32-byte key (make one with 'ntmgate account add' or as:hash)");
        }
    }
}
