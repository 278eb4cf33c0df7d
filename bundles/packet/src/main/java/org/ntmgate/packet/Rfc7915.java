package org.ntmgate.packet;

import io.netty.buffer.ByteBuf;

/**
 * IP/ICMP translation (RFC 7915) with explicit address mappings (RFC 7757), as docs/protocol.md 11.6 uses it: an IPv4
 * packet rewritten as IPv6 (section 4) and back (section 5). TCP and UDP checksums are carried over incrementally
 * (RFC 1624: only the pseudo-header changes); ICMP echo becomes ICMPv6 echo and back; ICMP errors are translated with
 * the packet they quote (4.3, 5.3); fragments keep their identification, offset and more-fragments flag in the other
 * family's form (4.1, 5.1.1).
 *
 * <p>One instance per thread: it holds the scratch addresses and allocates nothing. A method returns the translated
 * packet's length, or -1 when the packet is not one this translation carries (11.6.4 lists them): the caller counts
 * and drops it.
 */
public final class Rfc7915 {
    /** RFC 7600: the IPv4 dummy address, the source of a translated ICMP error whose IPv6 source has no mapping. */
    public static final byte[] DUMMY_IPV4 = { (byte) 192, 0, 0, 8 };
    /** What an IPv6 packet is longer than the IPv4 packet it translates (no fragment header). */
    public static final int GROWTH = 20;
    /** 4.3: a translated ICMPv6 error is at most the minimum IPv6 MTU. */
    static final int MAX_IPV6_ERROR = PacketBuilder.IPV6_MIN_MTU;
    /** 5.3: a translated ICMPv4 error is at most 576 bytes (RFC 1812 4.3.2.3). */
    static final int MAX_IPV4_ERROR = 576;
    private static final int[] PLATEAUS = { 65535, 32000, 17914, 8166, 4352, 2002, 1492, 1006, 508, 296, 68 };

    /** The caller's mappings: each writes the other family's address for the one at {@code at} and says whether it has one. */
    public interface AddressMap {
        boolean toIpv6(ByteBuf buf, int at, byte[] ipv6);

        boolean toIpv4(ByteBuf buf, int at, byte[] ipv4);
    }

    private final AddressMap map;
    private final byte[] src6 = new byte[16];
    private final byte[] dst6 = new byte[16];
    private final byte[] src4 = new byte[4];
    private final byte[] dst4 = new byte[4];
    private final IpPacket built = new IpPacket();

    public Rfc7915(AddressMap map) {
        this.map = map;
    }

    /** Section 4: writes the IPv6 translation of {@code in} (parsed, IPv4) at {@code out}'s writer index. */
    public int toIpv6(IpPacket in, ByteBuf out) {
        ByteBuf b = in.buffer();
        if (in.version() != 4 || sourceRouted(in) || !map.toIpv6(b, in.sourceAddressOffset(), src6) || !map.toIpv6(b, in.destinationAddressOffset(), dst6)) {
            return -1;
        }
        int protocol = in.protocol();
        if (IpProtocol.isIpv6ExtensionHeader(protocol) && protocol != IpProtocol.ESP || protocol == IpProtocol.ICMPV6 || in.transportLength() == 0) {
            return -1; // 4.1: IPv6's own numbers (AH among them: it covers the addresses) mean nothing over IPv4; nor does no payload
        }
        int at = out.writerIndex();
        if (protocol == IpProtocol.ICMP) {
            if (in.isFragment()) {
                return -1; // 4.2: fragmented ICMP is not translated
            }
            int n = icmpToV6(in, out);
            if (n < 0) {
                out.writerIndex(at);
            }
            return n;
        }
        boolean first = in.fragmentOffset() == 0;
        boolean noUdpChecksum = protocol == IpProtocol.UDP && first && in.transportLength() >= 8 && b.getUnsignedShort(in.transportOffset() + 6) == 0;
        if (noUdpChecksum && in.isFragment()) {
            return -1; // 4.5: a fragmented datagram's missing checksum cannot be computed here
        }
        ipv6Header(out, in.trafficClass(), in.transportLength() + (in.isFragment() ? 8 : 0), in.isFragment() ? IpProtocol.FRAGMENT : protocol, in.hopLimit(),
                src6, dst6);
        if (in.isFragment()) {
            fragmentHeader(out, protocol, in.fragmentOffset(), in.moreFragments(), in.fragmentIdentification());
        }
        int transport = out.writerIndex();
        out.writeBytes(b, in.transportOffset(), in.transportLength());
        if (noUdpChecksum) {
            recompute(out, at); // 4.5: computed for the whole datagram
        } else if (first) {
            carryChecksum(out, transport, out.writerIndex(), protocol, InternetChecksum.sum(b, in.sourceAddressOffset(), 8), sum6());
        }
        return out.writerIndex() - at;
    }

    /** Section 5: writes the IPv4 translation of {@code in} (parsed, IPv6) at {@code out}'s writer index. */
    public int toIpv4(IpPacket in, ByteBuf out) {
        ByteBuf b = in.buffer();
        if (in.version() != 6) {
            return -1;
        }
        int protocol = in.protocol();
        boolean error = protocol == IpProtocol.ICMPV6 && in.icmpType() >= 0 && in.icmpType() < 128;
        if (!map.toIpv4(b, in.sourceAddressOffset(), src4)) {
            if (!error) {
                return -1;
            }
            System.arraycopy(DUMMY_IPV4, 0, src4, 0, 4); // RFC 7600: a router of the IPv6 side
        }
        if (!map.toIpv4(b, in.destinationAddressOffset(), dst4)) {
            return -1;
        }
        int at = out.writerIndex();
        if (protocol == IpProtocol.ICMPV6) {
            if (in.isFragment()) {
                return -1;
            }
            int n = icmpToV4(in, out);
            if (n < 0) {
                out.writerIndex(at);
            }
            return n;
        }
        int total = 20 + in.transportLength();
        if (total > 0xFFFF) {
            return -1;
        }
        // 5.1: identification from the fragment header's low 16 bits; DF on an unfragmented packet (path MTU discovery)
        ipv4Header(out, in.trafficClass(), total, in.isFragment() ? (int) (in.fragmentIdentification() & 0xFFFF) : 0,
                in.isFragment() ? (in.moreFragments() ? 0x2000 : 0) | in.fragmentOffset() : 0x4000, in.hopLimit(), protocol, src4, dst4);
        int transport = out.writerIndex();
        out.writeBytes(b, in.transportOffset(), in.transportLength());
        if (in.fragmentOffset() == 0) {
            carryChecksum(out, transport, out.writerIndex(), protocol, InternetChecksum.sum(b, in.sourceAddressOffset(), 32), sum4());
        }
        return out.writerIndex() - at;
    }

    // ---- ICMP (4.2, 4.3, 5.2, 5.3) --------------------------------------------------------------------------------

    private int icmpToV6(IpPacket in, ByteBuf out) {
        ByteBuf b = in.buffer();
        int t = in.transportOffset();
        int len = in.transportLength();
        if (len < 8) {
            return -1;
        }
        int type = b.getUnsignedByte(t);
        int code = b.getUnsignedByte(t + 1);
        int at = out.writerIndex();
        ipv6Header(out, in.trafficClass(), 0, IpProtocol.ICMPV6, in.hopLimit(), src6, dst6);
        int icmp = out.writerIndex();
        boolean echo = isEcho4(type);
        if (echo) {
            out.writeBytes(b, t, len);
            echoChecksum(out, icmp, len, true, sum6() + len + IpProtocol.ICMPV6); // a wrong checksum stays wrong
        } else {
            long word = icmpErrorToV6(type, code, b, t, len);
            if (word < 0 || !InternetChecksum.verifies(InternetChecksum.sum(b, t, len))) {
                return -1; // an error is rebuilt, so a damaged one is not carried
            }
            out.writeInt((int) (word >>> 32));
            out.writeInt((int) word);
            if (innerToV6(b, t + 8, len - 8, out, MAX_IPV6_ERROR - (out.writerIndex() - at)) < 0) {
                return -1;
            }
        }
        out.setShort(at + 4, out.writerIndex() - icmp);
        if (!echo) {
            recompute(out, at);
        }
        return out.writerIndex() - at;
    }

    /** 4.2: the ICMPv6 type, code and 32-bit field (as one long: type, code, checksum 0; field) for an ICMPv4 error, or -1. */
    private static long icmpErrorToV6(int type, int code, ByteBuf b, int t, int len) {
        int type6;
        int code6;
        long field = 0;
        if (type == 3) {
            switch (code) {
            case 0, 1, 5, 6, 7, 8, 11, 12 -> {
                type6 = 1;
                code6 = 0;
            }
            case 9, 10, 13, 15 -> {
                type6 = 1;
                code6 = 1;
            }
            case 3 -> {
                type6 = 1;
                code6 = 4;
            }
            case 2 -> {
                type6 = 4;
                code6 = 1;
                field = 6; // the Next Header field
            }
            case 4 -> {
                type6 = PacketBuilder.ICMPV6_PACKET_TOO_BIG;
                code6 = 0;
                int mtu = b.getUnsignedShort(t + 6);
                if (mtu == 0 && len >= 8 + 20) {
                    mtu = plateau(b.getUnsignedShort(t + 8 + 2)); // RFC 1191 5: an old router gave none
                }
                field = Math.max(PacketBuilder.IPV6_MIN_MTU, mtu + GROWTH);
            }
            default -> {
                return -1;
            }
            }
        } else if (type == 11) {
            type6 = 3;
            code6 = code;
        } else if (type == 12 && (code == 0 || code == 2)) {
            type6 = 4;
            code6 = 0;
            int pointer = pointerToV6(b.getUnsignedByte(t + 4));
            if (pointer < 0) {
                return -1;
            }
            field = pointer;
        } else {
            return -1;
        }
        return ((long) ((type6 << 24) | (code6 << 16)) << 32) | field;
    }

    /** 4.2, figure 3: the IPv6 header field's offset for an IPv4 one, or -1 when IPv6 has none. */
    private static int pointerToV6(int p) {
        return switch (p) {
        case 0, 1 -> p;
        case 2, 3 -> 4;
        case 8 -> 7;
        case 9 -> 6;
        case 12, 13, 14, 15 -> 8;
        case 16, 17, 18, 19 -> 24;
        default -> -1;
        };
    }

    /** 5.2, figure 6: the IPv4 header field's offset for an IPv6 one, or -1 when IPv4 has none. */
    private static int pointerToV4(long p) {
        if (p == 0 || p == 1) {
            return (int) p;
        }
        if (p == 4 || p == 5) {
            return 2;
        }
        if (p == 6) {
            return 9;
        }
        if (p == 7) {
            return 8;
        }
        if (p >= 8 && p <= 23) {
            return 12;
        }
        return p >= 24 && p <= 39 ? 16 : -1;
    }

    private static int plateau(int length) {
        for (int p : PLATEAUS) {
            if (p < length) {
                return p;
            }
        }
        return 68;
    }

    /** 4.3: the quoted IPv4 packet at {@code i} ({@code n} bytes) as IPv6, at most {@code room} bytes; -1: not translatable. */
    private int innerToV6(ByteBuf b, int i, int n, ByteBuf out, int room) {
        if (n < 20 || b.getUnsignedByte(i) >>> 4 != 4) {
            return -1;
        }
        int ihl = (b.getUnsignedByte(i) & 0x0F) * 4;
        if (ihl < 20 || ihl > n) {
            return -1;
        }
        int proto = b.getUnsignedByte(i + 9);
        int total = b.getUnsignedShort(i + 2);
        int flags = b.getUnsignedShort(i + 6);
        boolean frag = (flags & 0x3FFF) != 0;
        int offset = flags & 0x1FFF;
        int tl = n - ihl;
        if (proto == IpProtocol.ICMP && offset == 0 && tl >= 1 && !isEcho4(b.getUnsignedByte(i + ihl))) {
            return -1; // 4.3: an error about an error is not translated
        }
        byte[] isrc = new byte[16]; // rare (an error), so it may allocate
        byte[] idst = new byte[16];
        if (!map.toIpv6(b, i + 12, isrc) || !map.toIpv6(b, i + 16, idst)) {
            return -1;
        }
        int next = proto == IpProtocol.ICMP ? IpProtocol.ICMPV6 : proto;
        int start = out.writerIndex();
        int payload = Math.max(0, total - ihl) + (frag ? 8 : 0);
        ipv6Header(out, b.getUnsignedByte(i + 1), payload, frag ? IpProtocol.FRAGMENT : next, b.getUnsignedByte(i + 8), isrc, idst);
        if (frag) {
            fragmentHeader(out, next, offset, (flags & 0x2000) != 0, b.getUnsignedShort(i + 4));
        }
        int transport = out.writerIndex();
        int copy = Math.max(0, Math.min(tl, room - (transport - start)));
        out.writeBytes(b, i + ihl, copy);
        if (offset == 0) {
            long oldPseudo = InternetChecksum.sum(b, i + 12, 8);
            long newPseudo = InternetChecksum.sum(isrc) + InternetChecksum.sum(idst);
            if (proto == IpProtocol.ICMP) {
                echoChecksum(out, transport, copy, true, newPseudo + Math.max(0, total - ihl) + IpProtocol.ICMPV6);
            } else {
                carryChecksum(out, transport, transport + copy, proto, oldPseudo, newPseudo);
            }
        }
        return out.writerIndex() - start;
    }

    private int icmpToV4(IpPacket in, ByteBuf out) {
        ByteBuf b = in.buffer();
        int t = in.transportOffset();
        int len = in.transportLength();
        if (len < 8) {
            return -1;
        }
        int type = b.getUnsignedByte(t);
        int code = b.getUnsignedByte(t + 1);
        int at = out.writerIndex();
        ipv4Header(out, in.trafficClass(), 0, 0, 0x4000, in.hopLimit(), IpProtocol.ICMP, src4, dst4);
        int icmp = out.writerIndex();
        boolean echo = type == PacketBuilder.ICMPV6_ECHO_REQUEST || type == PacketBuilder.ICMPV6_ECHO_REPLY;
        if (echo) {
            out.writeBytes(b, t, len);
            echoChecksum(out, icmp, len, false, InternetChecksum.sum(b, in.sourceAddressOffset(), 32) + len + IpProtocol.ICMPV6);
        } else {
            long word = icmpErrorToV4(type, code, b.getUnsignedInt(t + 4));
            if (word < 0 || in.verifyTransportChecksum() != ParseStatus.OK) {
                return -1;
            }
            out.writeInt((int) (word >>> 32));
            out.writeInt((int) word);
            if (innerToV4(b, t + 8, len - 8, out, MAX_IPV4_ERROR - (out.writerIndex() - at)) < 0) {
                return -1;
            }
        }
        out.setShort(at + 2, out.writerIndex() - at);
        out.setShort(at + 10, 0);
        out.setShort(at + 10, InternetChecksum.finish(InternetChecksum.sum(out, at, 20)));
        if (!echo) {
            out.setShort(icmp + 2, 0);
            out.setShort(icmp + 2, InternetChecksum.finish(InternetChecksum.sum(out, icmp, out.writerIndex() - icmp))); // ICMPv4: no pseudo-header
        }
        return out.writerIndex() - at;
    }

    /** 5.2: the ICMPv4 type, code and 32-bit field (one long, as {@link #icmpErrorToV6}) for an ICMPv6 error, or -1. */
    private static long icmpErrorToV4(int type, int code, long field6) {
        int type4;
        int code4;
        long field = 0;
        switch (type) {
        case 1 -> {
            type4 = 3;
            switch (code) {
            case 0, 2, 3 -> code4 = 1;
            case 1 -> code4 = 10;
            case 4 -> code4 = 3;
            default -> {
                return -1;
            }
            }
        }
        case PacketBuilder.ICMPV6_PACKET_TOO_BIG -> {
            type4 = 3;
            code4 = 4;
            field = Math.max(68, Math.min(0xFFFF, field6 - GROWTH)); // the next-hop MTU in the low 16 bits
        }
        case 3 -> {
            type4 = 11;
            code4 = code;
        }
        case 4 -> {
            if (code == 1) {
                type4 = 3;
                code4 = 2;
            } else if (code == 0) {
                type4 = 12;
                code4 = 0;
                int pointer = pointerToV4(field6);
                if (pointer < 0) {
                    return -1;
                }
                field = (long) pointer << 24;
            } else {
                return -1;
            }
        }
        default -> {
            return -1;
        }
        }
        return ((long) ((type4 << 24) | (code4 << 16)) << 32) | field;
    }

    /** 5.3: the quoted IPv6 packet at {@code i} ({@code n} bytes) as IPv4, at most {@code room} bytes; -1: not translatable. */
    private int innerToV4(ByteBuf b, int i, int n, ByteBuf out, int room) {
        if (n < 40 || b.getUnsignedByte(i) >>> 4 != 6) {
            return -1;
        }
        int payload = b.getUnsignedShort(i + 4);
        int next = b.getUnsignedByte(i + 6);
        int at = i + 40;
        boolean frag = false;
        int offset = 0;
        boolean more = false;
        long id = 0;
        for (int count = 0; IpProtocol.isIpv6ExtensionHeader(next); count++) {
            if (count == IpPacket.MAX_EXTENSION_HEADERS || at + 8 > i + n || next == IpProtocol.AH || next == IpProtocol.ESP) {
                return -1;
            }
            int hl;
            if (next == IpProtocol.FRAGMENT) {
                hl = 8;
                int w = b.getUnsignedShort(at + 2);
                frag = true;
                offset = w >>> 3;
                more = (w & 1) != 0;
                id = b.getUnsignedInt(at + 4);
            } else {
                hl = (b.getUnsignedByte(at + 1) + 1) * 8;
            }
            next = b.getUnsignedByte(at);
            at += hl;
            if (frag && offset != 0) {
                break;
            }
        }
        if (at > i + n) {
            return -1;
        }
        int extensions = at - (i + 40);
        int tl = i + n - at;
        if (next == IpProtocol.ICMPV6 && offset == 0 && tl >= 1 && b.getUnsignedByte(at) < 128) {
            return -1; // 5.3: an error about an error
        }
        byte[] isrc = new byte[4];
        byte[] idst = new byte[4];
        if (!map.toIpv4(b, i + 8, isrc) || !map.toIpv4(b, i + 24, idst)) {
            return -1;
        }
        int upper = Math.max(0, payload - extensions);
        int proto = next == IpProtocol.ICMPV6 ? IpProtocol.ICMP : next;
        int start = out.writerIndex();
        ipv4Header(out, (int) ((b.getUnsignedInt(i) >>> 20) & 0xFF), Math.min(0xFFFF, 20 + upper), frag ? (int) (id & 0xFFFF) : 0,
                frag ? (more ? 0x2000 : 0) | offset : 0x4000, b.getUnsignedByte(i + 7), proto, isrc, idst);
        int transport = out.writerIndex();
        int copy = Math.max(0, Math.min(tl, room - (transport - start)));
        out.writeBytes(b, at, copy);
        if (offset == 0) {
            long oldPseudo = InternetChecksum.sum(b, i + 8, 32);
            if (next == IpProtocol.ICMPV6) {
                echoChecksum(out, transport, copy, false, oldPseudo + upper + IpProtocol.ICMPV6);
            } else {
                carryChecksum(out, transport, transport + copy, proto, oldPseudo, InternetChecksum.sum(isrc) + InternetChecksum.sum(idst));
            }
        }
        return out.writerIndex() - start;
    }

    private static int swap(int word) {
        return ((word & 0xFF) << 8) | (word >>> 8);
    }

    private static boolean isEcho4(int type) {
        return type == PacketBuilder.ICMP_ECHO_REQUEST || type == PacketBuilder.ICMP_ECHO_REPLY;
    }

    /**
     * An echo's type changes family, and ICMPv6's checksum covers a pseudo-header ICMPv4's does not: both carried into
     * the checksum incrementally (a quoted echo may be cut short; an echo's checksum, right or wrong, stays so).
     */
    private static void echoChecksum(ByteBuf out, int icmp, int copied, boolean toV6, long pseudo6) {
        if (copied < 4) {
            return;
        }
        int type = out.getUnsignedByte(icmp);
        int newType = toV6 ? (type == PacketBuilder.ICMP_ECHO_REQUEST ? PacketBuilder.ICMPV6_ECHO_REQUEST : PacketBuilder.ICMPV6_ECHO_REPLY)
                : (type == PacketBuilder.ICMPV6_ECHO_REQUEST ? PacketBuilder.ICMP_ECHO_REQUEST : PacketBuilder.ICMP_ECHO_REPLY);
        int word = out.getUnsignedShort(icmp);
        int newWord = (newType << 8) | (word & 0xFF);
        out.setByte(icmp, newType);
        long oldSum = toV6 ? word : word + pseudo6;
        long newSum = toV6 ? newWord + pseudo6 : newWord;
        int c = InternetChecksum.update(out.getUnsignedShort(icmp + 2), oldSum, newSum);
        out.setShort(icmp + 2, c);
        if (c == 0 && InternetChecksum.fold(InternetChecksum.sum(out, icmp, copied) + (toV6 ? pseudo6 : 0)) == 0) {
            out.setShort(icmp + 2, 0xFFFF); // the one case eq. 3 cannot give: everything else sums to zero, so zero is -0
        }
    }

    // ---- headers and checksums ------------------------------------------------------------------------------------

    /** 4.1: an IPv4 packet carrying an unexpired loose or strict source route option is not translated. */
    private static boolean sourceRouted(IpPacket in) {
        ByteBuf b = in.buffer();
        int i = in.start() + 20;
        int end = in.start() + in.networkHeaderLength();
        while (i < end) {
            int kind = b.getUnsignedByte(i);
            if (kind == 0) {
                return false;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return true; // a truncated option: not a header to trust
            }
            int len = b.getUnsignedByte(i + 1);
            if (len < 2 || i + len > end) {
                return true;
            }
            if ((kind == 131 || kind == 137) && len >= 3 && b.getUnsignedByte(i + 2) <= len) {
                return true; // LSRR, SSRR with addresses left
            }
            i += len;
        }
        return false;
    }

    private static void ipv6Header(ByteBuf out, int trafficClass, int payload, int next, int hopLimit, byte[] src, byte[] dst) {
        out.writeInt(0x60000000 | (trafficClass << 20));
        out.writeShort(payload);
        out.writeByte(next);
        out.writeByte(hopLimit);
        out.writeBytes(src);
        out.writeBytes(dst);
    }

    /** An IPv4 header without options, its checksum computed (a caller that changes the length computes it again). */
    private static void ipv4Header(ByteBuf out, int tos, int total, int id, int flagsAndOffset, int ttl, int protocol, byte[] src, byte[] dst) {
        int at = out.writerIndex();
        out.writeByte(0x45);
        out.writeByte(tos);
        out.writeShort(total);
        out.writeShort(id);
        out.writeShort(flagsAndOffset);
        out.writeByte(ttl);
        out.writeByte(protocol);
        out.writeShort(0);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.setShort(at + 10, InternetChecksum.finish(InternetChecksum.sum(out, at, 20)));
    }

    /** 4.1.1: the fragment header, the IPv4 identification zero-extended. */
    private static void fragmentHeader(ByteBuf out, int next, int offset, boolean more, long identification) {
        out.writeByte(next);
        out.writeByte(0);
        out.writeShort((offset << 3) | (more ? 1 : 0));
        out.writeInt((int) identification);
    }

    private long sum6() {
        return InternetChecksum.sum(src6) + InternetChecksum.sum(dst6);
    }

    private long sum4() {
        return InternetChecksum.sum(src4) + InternetChecksum.sum(dst4);
    }

    /** TCP or UDP between {@code transport} and {@code end}: the checksum carried over the changed pseudo-header addresses. */
    private static void carryChecksum(ByteBuf out, int transport, int end, int protocol, long oldPseudo, long newPseudo) {
        int field = protocol == IpProtocol.TCP ? transport + 16 : protocol == IpProtocol.UDP ? transport + 6 : -1;
        if (field < 0 || end < field + 2 || protocol == IpProtocol.UDP && out.getUnsignedShort(field) == 0) {
            return;
        }
        int c = InternetChecksum.update(out.getUnsignedShort(field), oldPseudo, newPseudo);
        out.setShort(field, protocol == IpProtocol.UDP && c == 0 ? 0xFFFF : c);
    }

    private void recompute(ByteBuf out, int at) {
        if (built.parse(out.slice(at, out.writerIndex() - at)) == ParseStatus.OK) {
            built.computeTransportChecksum();
        }
    }

    // ---- IPv4-mapped addresses ------------------------------------------------------------------------------------

    /** Writes the IPv4-mapped IPv6 address {@code ::ffff:a.b.c.d} (RFC 4291 2.5.5.2) of the IPv4 address at {@code at}. */
    public static void mapped(ByteBuf buf, int at, byte[] ipv6) {
        java.util.Arrays.fill(ipv6, 0, 10, (byte) 0);
        ipv6[10] = (byte) 0xFF;
        ipv6[11] = (byte) 0xFF;
        buf.getBytes(at, ipv6, 12, 4);
    }

    /** True when the IPv6 address at {@code at} is IPv4-mapped. */
    public static boolean isMapped(ByteBuf buf, int at) {
        return buf.getLong(at) == 0 && buf.getInt(at + 8) == 0xFFFF;
    }

    // ---- path MTU (4.1, 6) ---------------------------------------------------------------------------------------

    /**
     * 4.1: an IPv6 packet (no extension header but a fragment header) too large for {@code mtu}, split into
     * fragments that fit, written one after the other at {@code out}'s writer index; {@code identification} when the
     * packet is not a fragment already. Returns how many, or -1 when {@code mtu} leaves no room.
     */
    public static int fragment(IpPacket six, int mtu, long identification, ByteBuf out) {
        int chunk = (mtu - 48) & ~7;
        if (six.version() != 6 || chunk < 8) {
            return -1;
        }
        ByteBuf b = six.buffer();
        boolean already = six.isFragment();
        int headers = six.start() + 40 + (already ? 8 : 0);
        if (six.transportOffset() != headers && !already) {
            return -1;
        }
        int next = already ? b.getUnsignedByte(six.start() + 40) : b.getUnsignedByte(six.start() + 6);
        long id = already ? six.fragmentIdentification() : identification;
        int base = already ? six.fragmentOffset() * 8 : 0;
        int data = six.start() + six.length() - headers;
        int count = 0;
        for (int done = 0; done < data; done += chunk, count++) {
            int n = Math.min(chunk, data - done);
            boolean last = done + n == data;
            out.writeBytes(b, six.start(), 4);
            out.writeShort(8 + n);
            out.writeByte(IpProtocol.FRAGMENT);
            out.writeBytes(b, six.start() + 7, 33);
            fragmentHeader(out, next, (base + done) / 8, !last || already && six.moreFragments(), id);
            out.writeBytes(b, headers + done, n);
        }
        return count;
    }

    /**
     * 11.6.4: a TCP SYN's MSS option lowered to {@code mss} when larger, the checksum updated incrementally; true
     * when it changed.
     */
    public static boolean clampMss(IpPacket p, int mss) {
        if (p.protocol() != IpProtocol.TCP || p.fragmentOffset() != 0 || p.transportLength() < 20) {
            return false;
        }
        ByteBuf b = p.buffer();
        int t = p.transportOffset();
        if ((b.getUnsignedByte(t + 13) & 0x02) == 0) {
            return false;
        }
        int end = t + Math.min(p.transportLength(), (b.getUnsignedByte(t + 12) >>> 4) * 4);
        for (int i = t + 20; i < end;) {
            int kind = b.getUnsignedByte(i);
            if (kind == 0) {
                return false;
            }
            if (kind == 1) {
                i++;
                continue;
            }
            if (i + 1 >= end) {
                return false;
            }
            int len = b.getUnsignedByte(i + 1);
            if (len < 2 || i + len > end) {
                return false;
            }
            if (kind == 2 && len == 4) {
                int old = b.getUnsignedShort(i + 2);
                if (old <= mss) {
                    return false;
                }
                b.setShort(i + 2, mss);
                boolean odd = ((i - t) & 1) != 0; // the value straddles two words: its bytes count swapped (RFC 1071 2(B))
                b.setShort(t + 16, InternetChecksum.update(b.getUnsignedShort(t + 16), odd ? swap(old) : old, odd ? swap(mss) : mss));
                return true;
            }
            i += len;
        }
        return false;
    }
}
