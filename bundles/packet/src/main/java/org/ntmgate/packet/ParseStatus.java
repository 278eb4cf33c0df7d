package org.ntmgate.packet;

/** What {@link IpPacket#parse} found; everything but {@link #OK} is a reason to drop and count the packet. */
public enum ParseStatus {
    OK,
    /** Fewer bytes than a header or a declared length needs. */
    TRUNCATED,
    /** The version nibble is neither 4 nor 6. */
    BAD_VERSION,
    /** IPv4 header length below 20 bytes. */
    BAD_HEADER_LENGTH,
    /** A total or payload length that cannot be (below the header, or an IPv6 jumbogram, which is not supported). */
    BAD_TOTAL_LENGTH,
    /** The IPv4 header checksum is wrong. */
    BAD_HEADER_CHECKSUM,
    /** An IPv6 extension header out of place (hop-by-hop not first). */
    BAD_EXTENSION_HEADER,
    /** More IPv6 extension headers than {@link IpPacket#MAX_EXTENSION_HEADERS}. */
    TOO_MANY_EXTENSION_HEADERS,
    /** A transport header that does not fit, or whose own length field lies. */
    BAD_TRANSPORT_HEADER,
    /** A transport checksum that does not verify ({@link IpPacket#verifyTransportChecksum}). */
    BAD_TRANSPORT_CHECKSUM
}
