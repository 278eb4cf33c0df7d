package org.ntmgate.api.net;

/** The IP version of an address; the byte length tells them apart. */
public enum AddressFamily {
    IPV4(4),
    IPV6(16);

    private final int byteLength;

    AddressFamily(int byteLength) {
        this.byteLength = byteLength;
    }

    /** 4 for IPv4, 16 for IPv6. */
    public int byteLength() {
        return byteLength;
    }

    /** The family of an address of {@code length} bytes. */
    public static AddressFamily ofLength(int length) {
        switch (length) {
            case 4: return IPV4;
            case 16: return IPV6;
            default: throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + length);
        }
    }
}
