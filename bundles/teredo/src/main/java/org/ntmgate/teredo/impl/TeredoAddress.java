package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/**
 * A Teredo IPv6 address (RFC 4380 section 4): prefix 2001:0::/32, the server's IPv4 address, 16 flag bits, the
 * client's mapped UDP port and mapped IPv4 address, both obfuscated (every bit inverted). Flags, as RFC 5991
 * section 4 updates them: {@code C R A A A A U G A A A A A A A A}: C (cone) is sent 0 by clients that follow RFC 5991,
 * U and G are 0, R is reserved, and the twelve A bits are random (they make the address hard to guess).
 */
public record TeredoAddress(Inet4Address server, int flags, int mappedPort, Inet4Address mappedAddress) {
    public static final int PREFIX = 0x20010000;
    public static final int CONE = 0x8000;
    /** The bits RFC 5991 makes random: all but C, R, U and G. */
    public static final int RANDOM_BITS = 0x3CFF;

    public TeredoAddress {
        if (flags < 0 || flags > 0xFFFF || mappedPort < 0 || mappedPort > 0xFFFF) {
            throw new IllegalArgumentException("flags and port are 16 bits");
        }
    }

    /** Whether an IPv6 address (16 bytes) lies in the Teredo prefix 2001:0::/32. */
    public static boolean isTeredo(byte[] v6, int offset) {
        return v6[offset] == 0x20 && v6[offset + 1] == 0x01 && v6[offset + 2] == 0 && v6[offset + 3] == 0;
    }

    public static TeredoAddress parse(byte[] v6) {
        if (v6.length != 16 || !isTeredo(v6, 0)) {
            throw new IllegalArgumentException("not a Teredo address (2001:0::/32)");
        }
        ByteBuffer b = ByteBuffer.wrap(v6);
        b.getInt();
        int server = b.getInt();
        int flags = b.getShort() & 0xFFFF;
        int port = ~b.getShort() & 0xFFFF;
        int client = ~b.getInt();
        return new TeredoAddress(v4(server), flags, port, v4(client));
    }

    /** A client's address under RFC 5991: cone bit 0, twelve random bits from {@code random}. */
    public static TeredoAddress ofClient(Inet4Address server, int random, int mappedPort, Inet4Address mappedAddress) {
        return new TeredoAddress(server, random & RANDOM_BITS, mappedPort, mappedAddress);
    }

    public boolean cone() {
        return (flags & CONE) != 0;
    }

    public byte[] toBytes() {
        return ByteBuffer.allocate(16).putInt(PREFIX).put(server.getAddress()).putShort((short) flags).putShort((short) ~mappedPort)
                .putInt(~ByteBuffer.wrap(mappedAddress.getAddress()).getInt()).array();
    }

    public Inet6Address toInet6() {
        try {
            return (Inet6Address) InetAddress.getByAddress(toBytes());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    static Inet4Address v4(int a) {
        try {
            return (Inet4Address) InetAddress.getByAddress(ByteBuffer.allocate(4).putInt(a).array());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
