package org.ntmgate.wire;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Path ids (protocol.md 12.1): the same pair of names always gets the same id from the same DC secret. */
public final class PathIds {
    private PathIds() {
    }

    public static long pathId(byte[] dcSecret, String nameA, String nameB) {
        byte[] a = nameA.getBytes(StandardCharsets.US_ASCII);
        byte[] b = nameB.getBytes(StandardCharsets.US_ASCII);
        if (Arrays.compare(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
        }
        byte[] input = new byte[a.length + 1 + b.length];
        System.arraycopy(a, 0, input, 0, a.length);
        System.arraycopy(b, 0, input, a.length + 1, b.length);
        long id = ByteBuffer.wrap(Hkdf.hmac(dcSecret, input)).getLong();
        return id == 0 ? 1 : id; // 0 is never a path id
    }
}
