package org.ntmgate.packet;

import io.netty.buffer.ByteBuf;

/**
 * A reusable, in-place view of one IPv4 or IPv6 packet in a {@link ByteBuf}. A forwarding loop keeps one instance
 * and calls {@link #parse} for every packet: nothing is allocated, nothing is copied, and every read is checked
 * against the packet's readable bytes first, so a packet that lies about its lengths is reported, never read past.
 *
 * <p>After {@link ParseStatus#OK}: the network header (IPv4 options or IPv6 extension headers included) is valid,
 * the transport header (UDP, TCP, ICMP, ICMPv6) fits and its own length field is consistent, unless the packet
 * is a non-first fragment, which carries no transport header. Checksums of the transport are checked only on
 * request ({@link #verifyTransportChecksum()}), since rewriting keeps them as right or wrong as they were
 * (RFC 1624).
 *
 * <p>Not thread-safe: one instance per loop.
 */
public final class IpPacket {
    /** IPv6 extension headers walked before the packet is refused: bounds the work an attacker can cause. */
    public static final int MAX_EXTENSION_HEADERS = 8;

    private ByteBuf buf;
    private int start;
    private int version;
    private int length;
    private int networkHeaderLength;
    private int protocol;
    private int transportOffset;
    private int transportLength;
    private boolean fragment;
    private int fragmentOffset;
    private boolean moreFragments;
    private long fragmentIdentification;

    /**
     * Parses the packet that fills {@code buf}'s readable bytes (bytes past the IP total length, such as link-layer
     * padding, are ignored). The buffer's indices are not moved.
     */
    public ParseStatus parse(ByteBuf buf) {
        this.buf = buf;
        this.start = buf.readerIndex();
        int available = buf.readableBytes();
        fragment = false;
        fragmentOffset = 0;
        moreFragments = false;
        fragmentIdentification = 0;
        if (available < 1) {
            return ParseStatus.TRUNCATED;
        }
        version = buf.getUnsignedByte(start) >>> 4;
        ParseStatus network;
        if (version == 4) {
            network = parseIpv4(available);
        } else if (version == 6) {
            network = parseIpv6(available);
        } else {
            return ParseStatus.BAD_VERSION;
        }
        return network != ParseStatus.OK ? network : checkTransport();
    }

    private ParseStatus parseIpv4(int available) {
        if (available < 20) {
            return ParseStatus.TRUNCATED;
        }
        int ihl = (buf.getUnsignedByte(start) & 0x0F) * 4;
        if (ihl < 20) {
            return ParseStatus.BAD_HEADER_LENGTH;
        }
        int total = buf.getUnsignedShort(start + 2);
        if (total < ihl) {
            return ParseStatus.BAD_TOTAL_LENGTH;
        }
        if (available < ihl || available < total) {
            return ParseStatus.TRUNCATED;
        }
        if (!InternetChecksum.verifies(InternetChecksum.sum(buf, start, ihl))) {
            return ParseStatus.BAD_HEADER_CHECKSUM;
        }
        int flagsAndOffset = buf.getUnsignedShort(start + 6);
        moreFragments = (flagsAndOffset & 0x2000) != 0;
        fragmentOffset = flagsAndOffset & 0x1FFF;
        fragment = moreFragments || fragmentOffset != 0;
        fragmentIdentification = buf.getUnsignedShort(start + 4);
        length = total;
        networkHeaderLength = ihl;
        protocol = buf.getUnsignedByte(start + 9);
        transportOffset = start + ihl;
        transportLength = total - ihl;
        return ParseStatus.OK;
    }

    private ParseStatus parseIpv6(int available) {
        if (available < 40) {
            return ParseStatus.TRUNCATED;
        }
        int payload = buf.getUnsignedShort(start + 4);
        if (payload == 0) {
            // Zero means a jumbogram (RFC 2675), which a tunnel with a 1280..1500 MTU never carries.
            return ParseStatus.BAD_TOTAL_LENGTH;
        }
        int total = 40 + payload;
        if (available < total) {
            return ParseStatus.TRUNCATED;
        }
        int end = start + total;
        int next = buf.getUnsignedByte(start + 6);
        int offset = start + 40;
        int count = 0;
        while (IpProtocol.isIpv6ExtensionHeader(next) && !(fragment && fragmentOffset != 0)) {
            if (++count > MAX_EXTENSION_HEADERS) {
                return ParseStatus.TOO_MANY_EXTENSION_HEADERS;
            }
            if (next == IpProtocol.HOP_BY_HOP && count != 1) {
                return ParseStatus.BAD_EXTENSION_HEADER; // RFC 8200 section 4.1: only right after the IPv6 header
            }
            if (offset + 8 > end) {
                return ParseStatus.TRUNCATED; // every extension header is at least 8 bytes
            }
            int headerLength;
            if (next == IpProtocol.FRAGMENT) {
                headerLength = 8;
                int offsetAndFlags = buf.getUnsignedShort(offset + 2);
                fragmentOffset = offsetAndFlags >>> 3;
                moreFragments = (offsetAndFlags & 1) != 0;
                fragmentIdentification = buf.getUnsignedInt(offset + 4);
                fragment = true;
            } else if (next == IpProtocol.AH) {
                headerLength = (buf.getUnsignedByte(offset + 1) + 2) * 4; // RFC 4302: in 4-byte units, minus 2
            } else {
                headerLength = (buf.getUnsignedByte(offset + 1) + 1) * 8;
            }
            if (offset + headerLength > end) {
                return ParseStatus.TRUNCATED;
            }
            next = buf.getUnsignedByte(offset);
            offset += headerLength;
        }
        length = total;
        networkHeaderLength = offset - start;
        protocol = next;
        transportOffset = offset;
        transportLength = end - offset;
        return ParseStatus.OK;
    }

    private ParseStatus checkTransport() {
        if (fragmentOffset != 0) {
            return ParseStatus.OK; // a non-first fragment holds payload only
        }
        switch (protocol) {
            case IpProtocol.UDP: {
                if (transportLength < 8) {
                    return fragment ? ParseStatus.OK : ParseStatus.BAD_TRANSPORT_HEADER;
                }
                int udpLength = buf.getUnsignedShort(transportOffset + 4);
                // In a first fragment the UDP length covers the whole datagram, longer than this fragment.
                if (udpLength < 8 || (!fragment && udpLength != transportLength)) {
                    return ParseStatus.BAD_TRANSPORT_HEADER;
                }
                return ParseStatus.OK;
            }
            case IpProtocol.TCP: {
                if (transportLength < 20) {
                    return fragment ? ParseStatus.OK : ParseStatus.BAD_TRANSPORT_HEADER;
                }
                int dataOffset = (buf.getUnsignedByte(transportOffset + 12) >>> 4) * 4;
                if (dataOffset < 20 || (dataOffset > transportLength && !fragment)) {
                    return ParseStatus.BAD_TRANSPORT_HEADER;
                }
                return ParseStatus.OK;
            }
            case IpProtocol.ICMP:
            case IpProtocol.ICMPV6:
                return transportLength < 4 && !fragment ? ParseStatus.BAD_TRANSPORT_HEADER : ParseStatus.OK;
            default:
                return ParseStatus.OK;
        }
    }

    /**
     * Checks the transport checksum of an unfragmented UDP, TCP, ICMP or ICMPv6 packet (pseudo-header included where
     * the protocol has one). Other packets, fragments and IPv4 UDP without a checksum verify trivially.
     */
    public ParseStatus verifyTransportChecksum() {
        if (fragment) {
            return ParseStatus.OK; // the checksum covers the reassembled datagram
        }
        int checksumOffset = transportChecksumOffset();
        if (checksumOffset < 0) {
            return ParseStatus.OK;
        }
        if (protocol == IpProtocol.UDP && version == 4 && buf.getUnsignedShort(checksumOffset) == 0) {
            return ParseStatus.OK; // RFC 768: zero means no checksum was computed
        }
        if (protocol == IpProtocol.UDP && version == 6 && buf.getUnsignedShort(checksumOffset) == 0) {
            return ParseStatus.BAD_TRANSPORT_CHECKSUM; // RFC 8200 section 8.1: mandatory over IPv6
        }
        long sum = InternetChecksum.sum(buf, transportOffset, transportLength) + pseudoHeaderSum();
        return InternetChecksum.verifies(sum) ? ParseStatus.OK : ParseStatus.BAD_TRANSPORT_CHECKSUM;
    }

    /** Sets the transport checksum from scratch (for packets this code builds or has changed beyond addresses). */
    public void computeTransportChecksum() {
        int checksumOffset = transportChecksumOffset();
        if (checksumOffset < 0 || fragment) {
            return;
        }
        buf.setShort(checksumOffset, 0);
        int c = InternetChecksum.finish(InternetChecksum.sum(buf, transportOffset, transportLength) + pseudoHeaderSum());
        if (c == 0 && protocol == IpProtocol.UDP) {
            c = 0xFFFF; // RFC 768: a computed zero is sent as all ones
        }
        buf.setShort(checksumOffset, c);
    }

    private long pseudoHeaderSum() {
        if (protocol == IpProtocol.ICMP) {
            return 0; // ICMPv4 has no pseudo-header
        }
        return version == 4 ? InternetChecksum.ipv4PseudoHeaderSum(buf, start, protocol, transportLength)
                : InternetChecksum.ipv6PseudoHeaderSum(buf, start, protocol, transportLength);
    }

    /** The absolute index of the transport checksum field, or -1 when there is none here. */
    private int transportChecksumOffset() {
        if (fragmentOffset != 0) {
            return -1;
        }
        switch (protocol) {
            case IpProtocol.UDP:
                return transportLength >= 8 ? transportOffset + 6 : -1;
            case IpProtocol.TCP:
                return transportLength >= 20 ? transportOffset + 16 : -1;
            case IpProtocol.ICMP:
            case IpProtocol.ICMPV6:
                return transportLength >= 4 ? transportOffset + 2 : -1;
            default:
                return -1;
        }
    }

    /** Replaces the source address (4 or 16 bytes, the packet's family) and fixes every checksum that covers it. */
    public void rewriteSource(byte[] address) {
        rewriteAddress(sourceAddressOffset(), address);
    }

    /** Replaces the destination address and fixes every checksum that covers it. */
    public void rewriteDestination(byte[] address) {
        rewriteAddress(destinationAddressOffset(), address);
    }

    private void rewriteAddress(int offset, byte[] address) {
        int len = addressLength();
        if (address.length != len) {
            throw new IllegalArgumentException("a " + (version == 4 ? "IPv4" : "IPv6") + " address has " + len + " bytes");
        }
        long oldSum = InternetChecksum.sum(buf, offset, len);
        long newSum = InternetChecksum.sum(address);
        buf.setBytes(offset, address);
        if (version == 4) {
            updateChecksumField(start + 10, oldSum, newSum, false);
        }
        if (protocol == IpProtocol.ICMP) {
            return; // no pseudo-header
        }
        int checksumOffset = transportChecksumOffset();
        if (checksumOffset < 0) {
            return;
        }
        if (protocol == IpProtocol.UDP && buf.getUnsignedShort(checksumOffset) == 0) {
            // IPv4: no checksum to keep right (RFC 768). IPv6: invalid (RFC 8200 8.1), and it stays invalid: a
            // rewrite never turns a packet its sender got wrong into one that verifies.
            return;
        }
        updateChecksumField(checksumOffset, oldSum, newSum, protocol == IpProtocol.UDP);
    }

    private void updateChecksumField(int fieldOffset, long oldSum, long newSum, boolean udp) {
        int updated = InternetChecksum.update(buf.getUnsignedShort(fieldOffset), oldSum, newSum);
        buf.setShort(fieldOffset, udp && updated == 0 ? 0xFFFF : updated);
    }

    /**
     * Replaces the 16-bit word {@code offset} bytes into the transport header (a port at 0 or 2, an ICMP echo
     * identifier at 4) and fixes the transport checksum incrementally (RFC 1624). For a first fragment or whole packet.
     */
    public void rewriteTransportWord(int offset, int value) {
        if (fragmentOffset != 0 || offset < 0 || offset + 2 > transportLength) {
            throw new IllegalArgumentException("no transport word at " + offset + " in this packet");
        }
        int at = transportOffset + offset;
        long oldSum = buf.getUnsignedShort(at);
        buf.setShort(at, value);
        int checksumOffset = transportChecksumOffset();
        if (checksumOffset < 0 || protocol == IpProtocol.UDP && buf.getUnsignedShort(checksumOffset) == 0) {
            return;
        }
        updateChecksumField(checksumOffset, oldSum, value & 0xFFFF, protocol == IpProtocol.UDP);
    }

    /** True when the source address is {@code address} (compared in place). */
    public boolean sourceIs(byte[] address) {
        return bytesAt(buf, sourceAddressOffset(), address);
    }

    /** True when the destination address is {@code address} (compared in place). */
    public boolean destinationIs(byte[] address) {
        return bytesAt(buf, destinationAddressOffset(), address);
    }

    /** True when {@code buf} holds {@code value} at index {@code at} (for addresses inside quoted packets too). */
    public static boolean bytesAt(ByteBuf buf, int at, byte[] value) {
        for (int i = 0; i < value.length; i++) {
            if (buf.getByte(at + i) != value[i]) {
                return false;
            }
        }
        return true;
    }

    /** Decrements the TTL or hop limit (and fixes the IPv4 header checksum); returns the new value. */
    public int decrementHopLimit() {
        int at = version == 4 ? start + 8 : start + 7;
        int old = buf.getUnsignedByte(at);
        if (old == 0) {
            return 0;
        }
        buf.setByte(at, old - 1);
        if (version == 4) {
            // The TTL is the high byte of the 16-bit word at offset 8.
            long oldWord = (long) old << 8;
            long newWord = (long) (old - 1) << 8;
            updateChecksumField(start + 10, oldWord, newWord, false);
        }
        return old - 1;
    }

    public int version() {
        return version;
    }

    /** Absolute index of the first byte of the IP header. */
    public int start() {
        return start;
    }

    /** The IP total length (IPv4 total length; 40 + payload length for IPv6). */
    public int length() {
        return length;
    }

    /** IPv4 header with options, or IPv6 header with all extension headers walked. */
    public int networkHeaderLength() {
        return networkHeaderLength;
    }

    /** The transport protocol (the last next-header value for IPv6). */
    public int protocol() {
        return protocol;
    }

    public int transportOffset() {
        return transportOffset;
    }

    public int transportLength() {
        return transportLength;
    }

    public boolean isFragment() {
        return fragment;
    }

    /** In 8-byte units. */
    public int fragmentOffset() {
        return fragmentOffset;
    }

    public boolean moreFragments() {
        return moreFragments;
    }

    /** The IPv4 identification, or the IPv6 fragment header's identification (0 without one). */
    public long fragmentIdentification() {
        return fragmentIdentification;
    }

    /** IPv4 TTL or IPv6 hop limit. */
    public int hopLimit() {
        return buf.getUnsignedByte(version == 4 ? start + 8 : start + 7);
    }

    /** IPv4 type of service or IPv6 traffic class. */
    public int trafficClass() {
        return version == 4 ? buf.getUnsignedByte(start + 1) : (buf.getInt(start) >>> 20) & 0xFF;
    }

    public int addressLength() {
        return version == 4 ? 4 : 16;
    }

    public int sourceAddressOffset() {
        return version == 4 ? start + 12 : start + 8;
    }

    public int destinationAddressOffset() {
        return version == 4 ? start + 16 : start + 24;
    }

    /** Copies the source address into {@code dst} at {@code offset}. */
    public void copySourceAddress(byte[] dst, int offset) {
        buf.getBytes(sourceAddressOffset(), dst, offset, addressLength());
    }

    public void copyDestinationAddress(byte[] dst, int offset) {
        buf.getBytes(destinationAddressOffset(), dst, offset, addressLength());
    }

    /** UDP or TCP source port of a first fragment or whole packet; -1 otherwise. */
    public int sourcePort() {
        return hasPorts() ? buf.getUnsignedShort(transportOffset) : -1;
    }

    public int destinationPort() {
        return hasPorts() ? buf.getUnsignedShort(transportOffset + 2) : -1;
    }

    private boolean hasPorts() {
        return (protocol == IpProtocol.UDP || protocol == IpProtocol.TCP) && fragmentOffset == 0 && transportLength >= 4;
    }

    /** ICMP or ICMPv6 type, or -1. */
    public int icmpType() {
        return (protocol == IpProtocol.ICMP || protocol == IpProtocol.ICMPV6) && fragmentOffset == 0 && transportLength >= 1
                ? buf.getUnsignedByte(transportOffset) : -1;
    }

    public ByteBuf buffer() {
        return buf;
    }
}
