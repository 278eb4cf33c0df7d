package org.ntmgate.wire;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * SEALED_KEY values (protocol.md 5.3): a 32-byte key sealed for one recipient with AES-256-GCM under the key
 * the two share, bound to the message that carries it (type, transaction id, node or path id) and to the sealed
 * key's own id and lifetime.
 */
public final class KeySealer {
    /** Nonces from a DRBG (NIST SP 800-90A): the default NativePRNG reads /dev/urandom under a lock for each one. */
    private static final SecureRandom RANDOM = drbg();

    /**
     * A DRBG (NIST SP 800-90A) for keys, key ids, nonces and transaction ids on signalling paths: the default
     * NativePRNG reads /dev/urandom under a lock per call, which showed in the DC's profile.
     */
    public static SecureRandom drbg() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (java.security.NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    private KeySealer() {
    }

    /** What a SEALED_KEY holds once opened. */
    public record SealedKey(int keyId, long lifetimeSeconds, byte[] key) {
    }

    public static byte[] seal(byte[] recipientKey, MessageType type, int transactionId, long id, int sealedKeyId,
            long lifetimeSeconds, byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("sealed keys are 32 bytes");
        }
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        return seal(Gcm.cipher(), recipientKey, type, transactionId, id, sealedKeyId, lifetimeSeconds, key, nonce);
    }

    /** With a given nonce: for test vectors only; a nonce must never repeat under one recipient key. */
    static byte[] seal(byte[] recipientKey, MessageType type, int transactionId, long id, int sealedKeyId, long lifetimeSeconds,
            byte[] key, byte[] nonce) {
        // a Cipher of its own: a reused one refuses the same key and nonce twice, which test vectors do on purpose
        return seal(Gcm.fresh(), recipientKey, type, transactionId, id, sealedKeyId, lifetimeSeconds, key, nonce);
    }

    private static byte[] seal(Cipher c, byte[] recipientKey, MessageType type, int transactionId, long id, int sealedKeyId,
            long lifetimeSeconds, byte[] key, byte[] nonce) {
        try {
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(recipientKey, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(type, transactionId, id, sealedKeyId, lifetimeSeconds));
            byte[] sealed = c.doFinal(key);
            return ByteBuffer.allocate(TlvType.SEALED_KEY_LENGTH).putInt(sealedKeyId).putInt((int) lifetimeSeconds).put(nonce)
                    .put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
    }

    public static SealedKey open(byte[] recipientKey, Message carrier) throws WireDecodeException {
        ByteBuffer v = ByteBuffer.wrap(carrier.bytes(TlvType.SEALED_KEY));
        int keyId = v.getInt();
        long lifetime = v.getInt() & 0xFFFFFFFFL;
        byte[] nonce = new byte[12];
        v.get(nonce);
        byte[] sealed = new byte[48];
        v.get(sealed);
        try {
            Cipher c = Gcm.cipher();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(recipientKey, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad(carrier.type(), carrier.transactionId(), carrier.id(), keyId, lifetime));
            return new SealedKey(keyId, lifetime, c.doFinal(sealed));
        } catch (AEADBadTagException e) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TAG, "SEALED_KEY does not open with this key");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
    }

    private static byte[] aad(MessageType type, int transactionId, long id, int keyId, long lifetime) {
        return ByteBuffer.allocate(21).put((byte) type.code()).putInt(transactionId).putLong(id).putInt(keyId).putInt((int) lifetime)
                .array();
    }
}
