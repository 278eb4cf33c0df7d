package org.ntmgate.packet;

import io.netty.buffer.ByteBuf;

/**
 * Writes whole, valid IP packets (headers, lengths and checksums right) at the writer index of a buffer: the ICMPv6
 * errors a tunnel end sends, keep-alives, and test traffic. Each method returns the packet's length.
 */
public final class PacketBuilder {
    /** The minimum IPv6 MTU (RFC 8200 section 5): an ICMPv6 error never makes a packet larger. */
    public static final int IPV6_MIN_MTU = 1280;
    /** ICMPv6 (RFC 4443) and ICMP (RFC 792) message types, for every bundle that reads or writes them. */
    public static final int ICMPV6_PACKET_TOO_BIG = 2;
    public static final int ICMPV6_ECHO_REQUEST = 128;
    public static final int ICMPV6_ECHO_REPLY = 129;
    public static final int ICMP_ECHO_REPLY = 0;
    public static final int ICMP_ECHO_REQUEST = 8;
    public static final int ICMP_DESTINATION_UNREACHABLE = 3;
    /** The code of ICMP Destination Unreachable that says: fragmentation needed and DF set (RFC 1191). */
    public static final int ICMP_FRAGMENTATION_NEEDED = 4;

    private PacketBuilder() {
    }

    /** An IPv6 header for {@code payloadLength} bytes of {@code nextHeader}; hop limit 64, traffic class and flow 0. */
    public static void ipv6Header(ByteBuf out, byte[] src, byte[] dst, int nextHeader, int payloadLength) {
        requireLength(src, 16);
        requireLength(dst, 16);
        out.writeInt(0x60000000);
        out.writeShort(payloadLength);
        out.writeByte(nextHeader);
        out.writeByte(64);
        out.writeBytes(src);
        out.writeBytes(dst);
    }

    /** An IPv4 header without options, DF set, TTL 64, with its checksum. */
    public static void ipv4Header(ByteBuf out, byte[] src, byte[] dst, int protocol, int payloadLength, int identification) {
        requireLength(src, 4);
        requireLength(dst, 4);
        int at = out.writerIndex();
        out.writeByte(0x45);
        out.writeByte(0);
        out.writeShort(20 + payloadLength);
        out.writeShort(identification);
        out.writeShort(0x4000);
        out.writeByte(64);
        out.writeByte(protocol);
        out.writeShort(0);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.setShort(at + 10, InternetChecksum.finish(InternetChecksum.sum(out, at, 20)));
    }

    /** IPv4 or IPv6 (by address length) carrying UDP with {@code payload}'s readable bytes. */
    public static int udp(ByteBuf out, byte[] src, byte[] dst, int sourcePort, int destinationPort, ByteBuf payload) {
        int at = out.writerIndex();
        int udpLength = 8 + payload.readableBytes();
        ipHeader(out, src, dst, IpProtocol.UDP, udpLength);
        out.writeShort(sourcePort);
        out.writeShort(destinationPort);
        out.writeShort(udpLength);
        out.writeShort(0);
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return finish(out, at);
    }

    /** A TCP segment with flags {@code flags} (0x02 SYN, 0x10 ACK...), window 65535, no options. */
    public static int tcp(ByteBuf out, byte[] src, byte[] dst, int sourcePort, int destinationPort, long sequence, long ack,
            int flags, ByteBuf payload) {
        int at = out.writerIndex();
        ipHeader(out, src, dst, IpProtocol.TCP, 20 + payload.readableBytes());
        out.writeShort(sourcePort);
        out.writeShort(destinationPort);
        out.writeInt((int) sequence);
        out.writeInt((int) ack);
        out.writeByte(5 << 4);
        out.writeByte(flags);
        out.writeShort(0xFFFF);
        out.writeShort(0);
        out.writeShort(0);
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return finish(out, at);
    }

    /** An ICMP (IPv4) or ICMPv6 echo request with {@code payload}. */
    public static int echoRequest(ByteBuf out, byte[] src, byte[] dst, int identifier, int sequence, ByteBuf payload) {
        int at = out.writerIndex();
        boolean v6 = src.length == 16;
        ipHeader(out, src, dst, v6 ? IpProtocol.ICMPV6 : IpProtocol.ICMP, 8 + payload.readableBytes());
        out.writeByte(v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO_REQUEST);
        out.writeByte(0);
        out.writeShort(0);
        out.writeShort(identifier);
        out.writeShort(sequence);
        out.writeBytes(payload, payload.readerIndex(), payload.readableBytes());
        return finish(out, at);
    }

    /**
     * ICMPv6 Packet Too Big (RFC 4443 section 3.2) from {@code src} to the offending packet's source, quoting as much
     * of it as keeps the error within 1280 bytes. The tunnel end sends this for an inner packet larger than its MTU.
     */
    public static int packetTooBig(ByteBuf out, byte[] src, IpPacket offending, int mtu) {
        if (offending.version() != 6) {
            throw new IllegalArgumentException("Packet Too Big answers an IPv6 packet");
        }
        int at = out.writerIndex();
        byte[] dst = new byte[16];
        offending.copySourceAddress(dst, 0);
        int quoted = Math.min(offending.length(), IPV6_MIN_MTU - 40 - 8);
        ipv6Header(out, src, dst, IpProtocol.ICMPV6, 8 + quoted);
        out.writeByte(ICMPV6_PACKET_TOO_BIG);
        out.writeByte(0);
        out.writeShort(0);
        out.writeInt(mtu);
        out.writeBytes(offending.buffer(), offending.start(), quoted);
        return finish(out, at);
    }

    /**
     * ICMP Destination Unreachable, Fragmentation Needed (RFC 792, RFC 1191 section 4) from {@code src} to the
     * offending IPv4 packet's source, naming the next-hop {@code mtu} and quoting as much of the packet as keeps the
     * error within 576 bytes (RFC 1812 4.3.2.3).
     */
    public static int fragmentationNeeded(ByteBuf out, byte[] src, IpPacket offending, int mtu) {
        if (offending.version() != 4) {
            throw new IllegalArgumentException("Fragmentation Needed answers an IPv4 packet");
        }
        int at = out.writerIndex();
        byte[] dst = new byte[4];
        offending.copySourceAddress(dst, 0);
        int quoted = Math.min(offending.length(), 576 - 20 - 8);
        ipv4Header(out, src, dst, IpProtocol.ICMP, 8 + quoted, 0);
        out.writeByte(ICMP_DESTINATION_UNREACHABLE);
        out.writeByte(ICMP_FRAGMENTATION_NEEDED);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(mtu);
        out.writeBytes(offending.buffer(), offending.start(), quoted);
        return finish(out, at);
    }

    private static void ipHeader(ByteBuf out, byte[] src, byte[] dst, int protocol, int payloadLength) {
        if (src.length == 16) {
            ipv6Header(out, src, dst, protocol, payloadLength);
        } else {
            ipv4Header(out, src, dst, protocol, payloadLength, 0);
        }
    }

    private static int finish(ByteBuf out, int at) {
        IpPacket p = new IpPacket();
        ByteBuf view = out.slice(at, out.writerIndex() - at);
        ParseStatus s = p.parse(view);
        if (s != ParseStatus.OK) {
            throw new IllegalStateException("built an invalid packet: " + s);
        }
        p.computeTransportChecksum();
        return out.writerIndex() - at;
    }

    private static void requireLength(byte[] address, int length) {
        if (address.length != length) {
            throw new IllegalArgumentException("expected a " + length + "-byte address, got " + address.length);
        }
    }
}
