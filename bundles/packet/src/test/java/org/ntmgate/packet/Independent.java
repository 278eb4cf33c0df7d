package org.ntmgate.packet;

import io.netty.buffer.ByteBuf;

/**
 * Checksums computed the plain way, byte by byte, with none of {@link InternetChecksum}'s code: what the tests of the
 * translation check its checksums against. Offsets are from the buffer's start.
 */
final class Independent {
    private Independent() {
    }

    /** The Internet checksum (RFC 1071) of {@code n} bytes at {@code at}, {@code extra} (a pseudo-header's words) added. */
    static int checksum(ByteBuf b, int at, int n, long extra) {
        long sum = extra;
        for (int i = 0; i < n; i++) {
            int v = b.getUnsignedByte(at + i);
            sum += i % 2 == 0 ? v << 8 : v;
        }
        while (sum > 0xFFFF) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }

    static long pseudo4(ByteBuf b, int ip, int protocol, int length) {
        return words(b, ip + 12, 8) + protocol + length;
    }

    static long pseudo6(ByteBuf b, int ip, int next, int length) {
        return words(b, ip + 8, 32) + (length >> 16) + (length & 0xFFFF) + next;
    }

    private static long words(ByteBuf b, int at, int n) {
        long s = 0;
        for (int i = 0; i < n; i += 2) {
            s += (b.getUnsignedByte(at + i) << 8) | b.getUnsignedByte(at + i + 1);
        }
        return s;
    }

    /**
     * True when the IPv4 header checksum and the transport checksum (TCP, UDP, ICMP, ICMPv6, pseudo-header included) of
     * the packet at the buffer's start verify. A fragment's transport is not checked (its checksum covers the whole
     * datagram); an IPv4 UDP checksum of 0 means none.
     */
    static boolean verifies(ByteBuf b) {
        int version = b.getUnsignedByte(0) >>> 4;
        int transport;
        int length;
        int protocol;
        long pseudo;
        if (version == 4) {
            int ihl = (b.getUnsignedByte(0) & 0x0F) * 4;
            if (checksum(b, 0, ihl, 0) != 0) {
                return false;
            }
            if ((b.getUnsignedShort(6) & 0x3FFF) != 0) {
                return true;
            }
            transport = ihl;
            length = b.getUnsignedShort(2) - ihl;
            protocol = b.getUnsignedByte(9);
            if (protocol == IpProtocol.UDP && b.getUnsignedShort(transport + 6) == 0) {
                return true;
            }
            pseudo = protocol == IpProtocol.ICMP ? 0 : pseudo4(b, 0, protocol, length);
        } else {
            protocol = b.getUnsignedByte(6);
            if (protocol == IpProtocol.FRAGMENT) {
                return true;
            }
            transport = 40;
            length = b.getUnsignedShort(4);
            pseudo = pseudo6(b, 0, protocol, length);
        }
        return checksum(b, transport, length, pseudo) == 0;
    }
}
