package org.ntmgate.packet;

import io.netty.buffer.ByteBuf;

/**
 * Stateless IP/ICMP translation headers (RFC 7915): an IPv4 packet rewritten as IPv6 (section 4) and back (section
 * 5), with the addresses the caller's mapping chose. TCP and UDP checksums are carried over incrementally (only the
 * pseudo-header changes); ICMP echo becomes ICMPv6 echo and back with a fresh checksum; fragments keep their
 * identification, offset and more-fragments flag in the other family's form.
 *
 * <p>Not translated (the methods return -1 and the caller counts and drops): ICMP and ICMPv6 errors and other
 * informational types (their quoted packet would need translating too), fragmented ICMP, IPv4 UDP without a
 * checksum when fragmented (section 4.5 allows the drop), and packets that are not of the source family.
 */
public final class Rfc7915 {

    private Rfc7915() {
    }

    /** Writes the IPv6 translation of {@code in} (parsed, IPv4) to {@code out}; returns its length or -1. */
    public static int toIpv6(IpPacket in, byte[] src6, byte[] dst6, ByteBuf out) {
        if (in.version() != 4 || src6.length != 16 || dst6.length != 16) {
            return -1;
        }
        int protocol = in.protocol();
        boolean firstOrWhole = in.fragmentOffset() == 0;
        int nextHeader = protocol;
        if (protocol == IpProtocol.ICMP) {
            if (in.isFragment() || mapIcmpToV6(in.icmpType()) < 0) {
                return -1;
            }
            nextHeader = IpProtocol.ICMPV6;
        }
        boolean udpWithoutChecksum = protocol == IpProtocol.UDP && firstOrWhole && in.transportLength() >= 8
                && in.buffer().getUnsignedShort(in.transportOffset() + 6) == 0;
        if (udpWithoutChecksum && in.isFragment()) {
            return -1;
        }
        int at = out.writerIndex();
        int payload = in.transportLength() + (in.isFragment() ? 8 : 0);
        out.writeInt(0x60000000 | (in.trafficClass() << 20));
        out.writeShort(payload);
        out.writeByte(in.isFragment() ? IpProtocol.FRAGMENT : nextHeader);
        out.writeByte(in.hopLimit());
        out.writeBytes(src6);
        out.writeBytes(dst6);
        if (in.isFragment()) {
            // Section 4.1.1: the fragment header carries the IPv4 identification, zero-extended.
            out.writeByte(nextHeader);
            out.writeByte(0);
            out.writeShort((in.fragmentOffset() << 3) | (in.moreFragments() ? 1 : 0));
            out.writeInt((int) in.fragmentIdentification());
        }
        int transport = out.writerIndex();
        out.writeBytes(in.buffer(), in.transportOffset(), in.transportLength());
        ByteBuf b = in.buffer();
        if (firstOrWhole) {
            long oldPseudo = InternetChecksum.sum(b, in.sourceAddressOffset(), 8);
            long newPseudo = InternetChecksum.sum(src6) + InternetChecksum.sum(dst6);
            fixTransport(out, at, transport, protocol, oldPseudo, newPseudo, udpWithoutChecksum, IpProtocol.ICMPV6,
                    protocol == IpProtocol.ICMP ? mapIcmpToV6(in.icmpType()) : -1);
        }
        return out.writerIndex() - at;
    }

    /** Writes the IPv4 translation of {@code in} (parsed, IPv6) to {@code out}; returns its length or -1. */
    public static int toIpv4(IpPacket in, byte[] src4, byte[] dst4, ByteBuf out) {
        if (in.version() != 6 || src4.length != 4 || dst4.length != 4) {
            return -1;
        }
        int protocol = in.protocol();
        boolean firstOrWhole = in.fragmentOffset() == 0;
        int ipv4Protocol = protocol;
        if (protocol == IpProtocol.ICMPV6) {
            if (in.isFragment() || mapIcmpToV4(in.icmpType()) < 0) {
                return -1;
            }
            ipv4Protocol = IpProtocol.ICMP;
        }
        int at = out.writerIndex();
        int total = 20 + in.transportLength();
        if (total > 0xFFFF) {
            return -1;
        }
        out.writeByte(0x45);
        out.writeByte(in.trafficClass());
        out.writeShort(total);
        // Section 5.1: identification from the fragment header's low 16 bits; DF set on unfragmented packets so
        // that path MTU discovery keeps working end to end.
        out.writeShort(in.isFragment() ? (int) (in.fragmentIdentification() & 0xFFFF) : 0);
        out.writeShort(in.isFragment() ? (in.moreFragments() ? 0x2000 : 0) | in.fragmentOffset() : 0x4000);
        out.writeByte(in.hopLimit());
        out.writeByte(ipv4Protocol);
        out.writeShort(0);
        out.writeBytes(src4);
        out.writeBytes(dst4);
        out.setShort(at + 10, InternetChecksum.finish(InternetChecksum.sum(out, at, 20)));
        int transport = out.writerIndex();
        out.writeBytes(in.buffer(), in.transportOffset(), in.transportLength());
        if (firstOrWhole) {
            long oldPseudo = InternetChecksum.sum(in.buffer(), in.sourceAddressOffset(), 32);
            long newPseudo = InternetChecksum.sum(src4) + InternetChecksum.sum(dst4);
            fixTransport(out, at, transport, protocol, oldPseudo, newPseudo, false, IpProtocol.ICMP,
                    protocol == IpProtocol.ICMPV6 ? mapIcmpToV4(in.icmpType()) : -1);
        }
        return out.writerIndex() - at;
    }

    /**
     * TCP/UDP: carry the checksum over the changed pseudo-header addresses (lengths and protocol are equal in both
     * families). ICMP: new type, checksum computed afresh (ICMPv4 has no pseudo-header, ICMPv6 has one).
     */
    private static void fixTransport(ByteBuf out, int ipStart, int transport, int protocol, long oldPseudo, long newPseudo,
            boolean udpWithoutChecksum, int icmpProtocol, int newIcmpType) {
        if (protocol == IpProtocol.TCP || (protocol == IpProtocol.UDP && !udpWithoutChecksum)) {
            int field = transport + (protocol == IpProtocol.TCP ? 16 : 6);
            if (out.writerIndex() < field + 2) {
                return;
            }
            int c = InternetChecksum.update(out.getUnsignedShort(field), oldPseudo, newPseudo);
            out.setShort(field, protocol == IpProtocol.UDP && c == 0 ? 0xFFFF : c);
        } else if (udpWithoutChecksum || newIcmpType >= 0) {
            if (newIcmpType >= 0) {
                out.setByte(transport, newIcmpType);
            }
            IpPacket translated = new IpPacket();
            translated.parse(out.slice(ipStart, out.writerIndex() - ipStart));
            translated.computeTransportChecksum();
        }
    }

    private static int mapIcmpToV6(int type) {
        return type == PacketBuilder.ICMP_ECHO_REQUEST ? PacketBuilder.ICMPV6_ECHO_REQUEST : type == PacketBuilder.ICMP_ECHO_REPLY ? PacketBuilder.ICMPV6_ECHO_REPLY : -1;
    }

    private static int mapIcmpToV4(int type) {
        return type == PacketBuilder.ICMPV6_ECHO_REQUEST ? PacketBuilder.ICMP_ECHO_REQUEST : type == PacketBuilder.ICMPV6_ECHO_REPLY ? PacketBuilder.ICMP_ECHO_REPLY : -1;
    }
}
