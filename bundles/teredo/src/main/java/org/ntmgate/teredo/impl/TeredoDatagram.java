package org.ntmgate.teredo.impl;

import io.netty.buffer.ByteBuf;

/**
 * The UDP payload of a Teredo datagram (RFC 4380 section 5.1.1), parsed in place and reused: an optional
 * authentication encapsulation (0x00 0x01, ID-len, AU-len, client identifier, authentication value, 8-byte nonce,
 * confirmation byte), then an optional origin indication (0x00 0x00, obfuscated port, obfuscated IPv4 address), then
 * an IPv6 packet whose declared payload length matches what is left. {@link #parse} allocates nothing; a datagram
 * that is not this is a {@link Status} other than OK, which the caller counts and drops.
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
        /** The IPv6 payload length does not match the bytes that follow the header. */
        BAD_LENGTH
    }

    public static final int IPV6_HEADER = 40;
    public static final int NO_NEXT_HEADER = 59;

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
        if (payload != end - at - IPV6_HEADER) {
            return Status.BAD_LENGTH;
        }
        ipv6Offset = at;
        ipv6Length = end - at;
        return Status.OK;
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
