package org.ntmgate.wire;

import javax.crypto.spec.SecretKeySpec;

/** A signalling key: its wire id and 32 key bytes for HMAC-SHA-256 (protocol.md 5.1, 5.2). */
public final class MacKey {
    private final int id;
    private final SecretKeySpec key;

    public MacKey(int id, byte[] key) {
        if (key.length != 32) {
            throw new IllegalArgumentException("keys are 32 bytes");
        }
        if (id == 0) {
            throw new IllegalArgumentException("key id 0 is reserved for the keyless LOGIN_REQUEST");
        }
        this.id = id;
        this.key = new SecretKeySpec(key, "HmacSHA256");
    }

    public int id() {
        return id;
    }

    SecretKeySpec spec() {
        return key;
    }

    /** The same key: the same id and the same bytes (compared in constant time). */
    @Override
    public boolean equals(Object o) {
        return o instanceof MacKey k && k.id == id && k.key.equals(key);
    }

    @Override
    public int hashCode() {
        return 31 * id + key.hashCode();
    }

    @Override
    public String toString() {
        return "MacKey[" + Integer.toUnsignedString(id, 16) + "]"; // never the key bytes
    }
}
