package org.ntmgate.teredo.impl;

import io.netty.buffer.ByteBuf;

/**
 * The UDP payload of a Teredo datagram (RFC 4380 section 5.1.1), parsed in place and reused: an optional
 * authentication encapsulation (0x00 0x01, ID-len, AU-len, client identifier, authentication value, 8-byte nonce,
 * confirmation byte), then an optional origin indication (0x00 0x00, obfuscated port, obfuscated IPv4 address), then
 * an IPv6 packet whose declared payload length matches what is left, or is followed by RFC 6081 trailers that fill the
 * rest exactly (docs/teredo.md H1: type, length, value). {@link #parse} allocates nothing; a datagram that is not this
 * is a {@link Status} other than OK, which the caller counts and drops.
 */
public final class TeredoDatagram {
    /** What {@link #parse} found. */
    public enum Status {
        OK,
        /** Fewer bytes than an element or the IPv6 header needs. */
        TRUNCATED,
        /** Neither an IPv6 packet, nor an authentication or origin element. */
        NOT_TEREDO,
        /** An authentication element after an origin indication, or two of either (the order is fixed). */
        BAD_ORDER,
        /** The IPv6 payload length does not match the bytes that follow the header (and what is left is not trailers). */
        BAD_LENGTH
    }

    public static final int IPV6_HEADER = 40;
    public static final int NO_NEXT_HEADER = 59;
    /** RFC 6081's Alternate Address trailer (docs/teredo.md H1). */
    public static final int ALTERNATE_ADDRESS = 0x03;

    private boolean authentication;
    private int idOffset;
    private int idLength;
    private int authOffset;
    private int authLength;
    private long nonce;
    private int confirmation;
    private boolean origin;
    private int originPort;
    private int originAddress;
    private int ipv6Offset;
    private int ipv6Length;
    private int trailersOffset;
    private int trailersLength;

    /** Parses {@code buf}'s readable bytes; on OK the accessors describe them (offsets are absolute indexes). */
    public Status parse(ByteBuf buf) {
        authentication = false;
        origin = false;
        int at = buf.readerIndex();
        int end = buf.writerIndex();
        while (true) {
            if (end - at < 2) {
                return Status.TRUNCATED;
            }
            int first = buf.getUnsignedByte(at);
            if ((first >> 4) == 6) {
                break;
            }
            if (first != 0) {
                return Status.NOT_TEREDO;
            }
            int type = buf.getUnsignedByte(at + 1);
            if (type == 1) {
                if (authentication || origin) {
                    return Status.BAD_ORDER;
                }
                if (end - at < 4) {
                    return Status.TRUNCATED;
                }
                idLength = buf.getUnsignedByte(at + 2);
                authLength = buf.getUnsignedByte(at + 3);
                int length = 4 + idLength + authLength + 8 + 1;
                if (end - at < length) {
                    return Status.TRUNCATED;
                }
                idOffset = at + 4;
                authOffset = idOffset + idLength;
                nonce = buf.getLong(authOffset + authLength);
                confirmation = buf.getUnsignedByte(authOffset + authLength + 8);
                authentication = true;
                at += length;
            } else if (type == 0) {
                if (origin) {
                    return Status.BAD_ORDER;
                }
                if (end - at < 8) {
                    return Status.TRUNCATED;
                }
                originPort = ~buf.getUnsignedShort(at + 2) & 0xFFFF;
                originAddress = ~buf.getInt(at + 4);
                origin = true;
                at += 8;
            } else {
                return Status.NOT_TEREDO;
            }
        }
        if (end - at < IPV6_HEADER) {
            return Status.TRUNCATED;
        }
        int payload = buf.getUnsignedShort(at + 4);
        int rest = end - at - IPV6_HEADER;
        if (payload > rest || payload < rest && !trailers(buf, at + IPV6_HEADER + payload, end)) {
            return Status.BAD_LENGTH;
        }
        ipv6Offset = at;
        ipv6Length = IPV6_HEADER + payload;
        trailersOffset = at + ipv6Length;
        trailersLength = end - trailersOffset;
        return Status.OK;
    }

    /** H1: type, length, value, ... to the end exactly. */
    private static boolean trailers(ByteBuf buf, int at, int end) {
        while (at < end) {
            if (end - at < 2) {
                return false;
            }
            at += 2 + buf.getUnsignedByte(at + 1);
        }
        return at == end;
    }

    /** Bytes of trailers after the IPv6 packet (0: none); they start at {@code ipv6Offset() + ipv6Length()}. */
    public int trailersLength() {
        return trailersLength;
    }

    /**
     * H1: the addresses and ports of the first Alternate Address trailer, as {@code long}s of {@code address << 16 | port}
     * written into {@code into}; returns how many (0: no such trailer), or -1 when the trailer is malformed (a length
     * other than 8, 14, 20 or 26, a zero port, or an address that is not unicast).
     */
    public int alternateAddresses(ByteBuf buf, long[] into) {
        int at = trailersOffset;
        int end = at + trailersLength;
        while (at < end) {
            int type = buf.getUnsignedByte(at);
            int length = buf.getUnsignedByte(at + 1);
            if (type == ALTERNATE_ADDRESS) {
                if (length < 8 || length > 26 || (length - 2) % 6 != 0) {
                    return -1;
                }
                int n = Math.min((length - 2) / 6, into.length);
                for (int i = 0; i < n; i++) {
                    int e = at + 4 + 6 * i;
                    long address = buf.getUnsignedInt(e);
                    int port = buf.getUnsignedShort(e + 4);
                    int first = (int) (address >>> 24);
                    if (port == 0 || address == 0 || first == 127 || first >= 224) {
                        return -1;
                    }
                    into[i] = address << 16 | port;
                }
                return n;
            }
            at += 2 + length;
        }
        return 0;
    }

    /** H2: an Alternate Address trailer with one entry, {@code address} (network order int) and {@code port}. */
    public static void writeAlternateAddress(ByteBuf out, int address, int port) {
        out.writeByte(ALTERNATE_ADDRESS);
        out.writeByte(8);
        out.writeShort(0);
        out.writeInt(address);
        out.writeShort(port);
    }

    public boolean hasAuthentication() {
        return authentication;
    }

    public int clientIdOffset() {
        return idOffset;
    }

    public int clientIdLength() {
        return idLength;
    }

    public int authValueOffset() {
        return authOffset;
    }

    public int authValueLength() {
        return authLength;
    }

    public long nonce() {
        return nonce;
    }

    public int confirmation() {
        return confirmation;
    }

    public boolean hasOrigin() {
        return origin;
    }

    /** The origin's UDP port, de-obfuscated. */
    public int originPort() {
        return originPort;
    }

    /** The origin's IPv4 address as an int (network order), de-obfuscated. */
    public int originAddress() {
        return originAddress;
    }

    public int ipv6Offset() {
        return ipv6Offset;
    }

    public int ipv6Length() {
        return ipv6Length;
    }

    /** A bubble (RFC 4380 section 2.8): an IPv6 header with no payload and next header 59. */
    public boolean isBubble(ByteBuf buf) {
        return ipv6Length == IPV6_HEADER && buf.getUnsignedByte(ipv6Offset + 6) == NO_NEXT_HEADER;
    }

    /** Writes an origin indication for {@code port} and {@code address} (network order int), obfuscated. */
    public static void writeOrigin(ByteBuf out, int port, int address) {
        out.writeShort(0);
        out.writeShort(~port & 0xFFFF);
        out.writeInt(~address);
    }

    /** Writes an authentication element without identifier or value (RFC 5991: the nonce is what matters). */
    public static void writeAuthentication(ByteBuf out, long nonce, int confirmation) {
        out.writeByte(0);
        out.writeByte(1);
        out.writeByte(0);
        out.writeByte(0);
        out.writeLong(nonce);
        out.writeByte(confirmation);
    }

    /**
     * Writes a bubble from {@code src} to {@code dst} (16-byte addresses). RFC 4380 fixes the hop limit only for local
     * discovery bubbles (1, section 5.2.8), so the caller chooses it.
     */
    public static void writeBubble(ByteBuf out, byte[] src, byte[] dst, int hopLimit) {
        out.writeInt(0x60000000);
        out.writeShort(0);
        out.writeByte(NO_NEXT_HEADER);
        out.writeByte(hopLimit);
        out.writeBytes(src);
        out.writeBytes(dst);
    }
}
