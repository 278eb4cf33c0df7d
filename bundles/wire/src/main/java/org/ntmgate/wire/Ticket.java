package org.ntmgate.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.function.IntFunction;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * A login ticket (protocol.md 4.4): made by the AS, opaque to the node, opened by the DC with the key it shares with
 * the AS (K_ad), so the DC learns who the node is and K_nd without asking the AS.
 */
public record Ticket(long nodeId, Instant expiry, String fqdn, int sessionKeyId, byte[] sessionKey) {
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Seals this ticket under {@code asDcKey} (K_ad) named {@code asDcKeyId}. */
    public byte[] seal(int asDcKeyId, byte[] asDcKey) {
        byte[] name = fqdn.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer plain = ByteBuffer.allocate(8 + 8 + 1 + name.length + 4 + 32);
        plain.putLong(nodeId).putLong(expiry.getEpochSecond()).put((byte) name.length).put(name).putInt(sessionKeyId).put(sessionKey);
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        try {
            Cipher c = Gcm.cipher();
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(asDcKey, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(ByteBuffer.allocate(4).putInt(asDcKeyId).array());
            byte[] sealed = c.doFinal(plain.array());
            return ByteBuffer.allocate(4 + 12 + sealed.length).putInt(asDcKeyId).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
    }

    /**
     * Opens a TICKET value; {@code keys} gives K_ad for a key id, or null. Throws for an unknown key, a bad tag, a
     * malformed content, or a ticket past its expiry at {@code now}.
     */
    public static Ticket open(byte[] value, IntFunction<byte[]> keys, Instant now) throws WireDecodeException {
        ByteBuffer v = ByteBuffer.wrap(value);
        if (value.length < TlvType.TICKET_MIN_LENGTH) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TLV, "ticket too short");
        }
        int keyId = v.getInt();
        byte[] key = keys.apply(keyId);
        if (key == null) {
            throw new WireDecodeException(WireDecodeException.Reason.UNKNOWN_KEY, "ticket under unknown key " + Integer.toUnsignedString(keyId, 16));
        }
        byte[] nonce = new byte[12];
        v.get(nonce);
        byte[] sealed = new byte[v.remaining()];
        v.get(sealed);
        byte[] plain;
        try {
            Cipher c = Gcm.cipher();
            c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(ByteBuffer.allocate(4).putInt(keyId).array());
            plain = c.doFinal(sealed);
        } catch (AEADBadTagException e) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TAG, "ticket does not open");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
        ByteBuffer p = ByteBuffer.wrap(plain);
        long nodeId = p.getLong();
        Instant expiry = Instant.ofEpochSecond(p.getLong());
        int nameLength = p.get() & 0xFF;
        if (nameLength == 0 || p.remaining() != nameLength + 4 + 32) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TLV, "ticket content malformed");
        }
        byte[] name = new byte[nameLength];
        p.get(name);
        int sessionKeyId = p.getInt();
        byte[] sessionKey = new byte[32];
        p.get(sessionKey);
        if (!expiry.isAfter(now)) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TLV, "ticket expired at " + expiry);
        }
        return new Ticket(nodeId, expiry, new String(name, StandardCharsets.US_ASCII), sessionKeyId, sessionKey);
    }
}
