package org.ntmgate.wire;

import java.util.Arrays;
import java.util.HexFormat;

/** One TLV: type (critical bit included) and value. Immutable. */
public final class Tlv {
    private final int type;
    private final byte[] value;

    public Tlv(int type, byte[] value) {
        if (type < 0 || type > 0xFFFF) {
            throw new IllegalArgumentException("TLV type is 16 bits");
        }
        if (value.length > 0xFFFF) {
            throw new IllegalArgumentException("TLV value longer than 65535 bytes");
        }
        this.type = type;
        this.value = value.clone();
    }

    public int type() {
        return type;
    }

    /** A copy of the value. */
    public byte[] value() {
        return value.clone();
    }

    int length() {
        return value.length;
    }

    byte[] valueUnsafe() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tlv && ((Tlv) o).type == type && Arrays.equals(((Tlv) o).value, value);
    }

    @Override
    public int hashCode() {
        return type * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return TlvType.name(type) + "=" + HexFormat.of().formatHex(value);
    }
}
