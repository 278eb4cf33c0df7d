package org.ntmgate.wire;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HKDF with HMAC-SHA-256 (RFC 5869), for the per-path subkeys of protocol.md 5.4. */
public final class Hkdf {
    private Hkdf() {
    }

    public static byte[] extract(byte[] salt, byte[] inputKey) {
        return hmac(salt.length == 0 ? new byte[32] : salt, inputKey);
    }

    public static byte[] expand(byte[] prk, byte[] info, int length) {
        if (length > 255 * 32) {
            throw new IllegalArgumentException("HKDF-SHA-256 gives at most 8160 bytes");
        }
        byte[] out = new byte[length];
        byte[] t = new byte[0];
        int done = 0;
        for (int i = 1; done < length; i++) {
            byte[] input = new byte[t.length + info.length + 1];
            System.arraycopy(t, 0, input, 0, t.length);
            System.arraycopy(info, 0, input, t.length, info.length);
            input[input.length - 1] = (byte) i;
            t = hmac(prk, input);
            int n = Math.min(t.length, length - done);
            System.arraycopy(t, 0, out, done, n);
            done += n;
        }
        return out;
    }

    public static byte[] expand(byte[] prk, String info, int length) {
        return expand(prk, info.getBytes(StandardCharsets.US_ASCII), length);
    }

    /** One Mac per thread: {@code Mac.getInstance} walks the provider list (path ids are made per Direction Request). */
    private static final ThreadLocal<Mac> MAC = ThreadLocal.withInitial(() -> {
        try {
            return Mac.getInstance("HmacSHA256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
        }
    });

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = MAC.get();
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
        }
    }
}
