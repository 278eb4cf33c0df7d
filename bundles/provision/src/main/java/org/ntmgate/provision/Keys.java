package org.ntmgate.provision;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The shared keys of protocol.md 5 (K_ad between an AS and its DCs, K_dr between a DC and an RS-N, K_dd between two
 * DCs) and the ids that name them on the wire: a key is 32 random bytes, written as 64 hexadecimal digits; a key id
 * is a decimal number from 1 to 2147483647, the same on both ends of a key and different from the other ids of the
 * same list (the DC's relays, the RS-N's dcKeys, the DC's peers).
 */
public final class Keys {
    public static final int KEY_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Keys() {
    }

    /** A new key: 64 hexadecimal digits. */
    public static String key() {
        byte[] k = new byte[KEY_BYTES];
        RANDOM.nextBytes(k);
        return HexFormat.of().formatHex(k);
    }

    /** A new key id, 1 to 2147483647: valid in every key id field. */
    public static int keyId() {
        return 1 + RANDOM.nextInt(Integer.MAX_VALUE);
    }
}
