package org.ntmgate.image;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 image signing with the JDK alone. Key files are one line: {@code ntmgate-image-key ed25519 public|private
 * <base64 of the X.509 or PKCS#8 encoding>}; a private key file is created with mode 0600.
 */
public final class Signing {
    private static final String HEADER = "ntmgate-image-key ed25519 ";

    private Signing() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is part of every Java 17 runtime", e);
        }
    }

    public static void writePublic(PublicKey key, Path file) throws IOException {
        Files.writeString(file, HEADER + "public " + Base64.getEncoder().encodeToString(key.getEncoded()) + "\n");
    }

    public static void writePrivate(PrivateKey key, Path file) throws IOException {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, HEADER + "private " + Base64.getEncoder().encodeToString(key.getEncoded()) + "\n");
    }

    public static PublicKey readPublic(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(decode(file, "public")));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " does not hold an Ed25519 public key: " + e.getMessage());
        }
    }

    public static PrivateKey readPrivate(Path file) throws IOException {
        try {
            return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(decode(file, "private")));
        } catch (GeneralSecurityException e) {
            throw new IOException(file + " does not hold an Ed25519 private key: " + e.getMessage());
        }
    }

    private static byte[] decode(Path file, String kind) throws IOException {
        String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
        if (!text.startsWith(HEADER + kind + " ")) {
            throw new IOException(file + " is not an ntmgate " + kind + " image key");
        }
        try {
            return Base64.getDecoder().decode(text.substring(HEADER.length() + kind.length() + 1));
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage());
        }
    }

    public static byte[] sign(PrivateKey key, byte[] data) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initSign(key);
            s.update(data);
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }

    public static boolean verify(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature s = Signature.getInstance("Ed25519");
            s.initVerify(key);
            s.update(data);
            return s.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
