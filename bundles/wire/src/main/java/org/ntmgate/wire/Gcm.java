package org.ntmgate.wire;

import java.security.GeneralSecurityException;

import javax.crypto.Cipher;

/**
 * One AES-GCM {@link Cipher} per thread for sealing keys and tickets: {@code Cipher.getInstance} walks the provider
 * list on every call, which the DC paid twice per Direction Request. Each use calls {@code init} with its own key
 * and nonce first, so nothing carries over between uses.
 */
final class Gcm {
    private static final ThreadLocal<Cipher> CIPHER = ThreadLocal.withInitial(Gcm::fresh);

    private Gcm() {
    }

    static Cipher cipher() {
        return CIPHER.get();
    }

    /** A Cipher of its own, for the rare caller that must not share one. */
    static Cipher fresh() {
        try {
            return Cipher.getInstance(PathCipher.AEAD);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is part of every Java 17 runtime", e);
        }
    }
}
