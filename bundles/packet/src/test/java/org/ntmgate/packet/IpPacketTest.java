package org.ntmgate.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class IpPacketTest {
    static final byte[] V6_A = addr("2001:db8:1::10");
    static final byte[] V6_B = addr("2001:db8:2::20");
    static final byte[] V4_A = addr("192.0.2.10");
    static final byte[] V4_B = addr("198.51.100.20");

    static byte[] addr(String s) {
        try {
            return InetAddress.getByName(s).getAddress();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static ByteBuf payload(int n) {
        ByteBuf b = Unpooled.buffer(n);
        for (int i = 0; i < n; i++) {
            b.writeByte(i * 7);
        }
        return b;
    }

    private final IpPacket p = new IpPacket();

    @Test
    void rewritingAPortOrAnEchoIdentifierKeepsTheChecksumRight() {
        for (byte[][] pair : new byte[][][] { { V4_A, V4_B }, { V6_A, V6_B } }) {
            ByteBuf udp = Unpooled.buffer();
            PacketBuilder.udp(udp, pair[0], pair[1], 5000, 53, payload(101));
            p.parse(udp);
            p.rewriteTransportWord(0, 61000);
            assertEquals(61000, p.sourcePort());
            assertEquals(ParseStatus.OK, p.verifyTransportChecksum());
            ByteBuf tcp = Unpooled.buffer();
            PacketBuilder.tcp(tcp, pair[0], pair[1], 40000, 80, 1, 0, 0x12, payload(10));
            p.parse(tcp);
            p.rewriteTransportWord(2, 65535);
            assertEquals(65535, p.destinationPort());
            assertEquals(ParseStatus.OK, p.verifyTransportChecksum());
        }
        ByteBuf ping = Unpooled.buffer();
        PacketBuilder.echoRequest(ping, V6_A, V6_B, 7, 1, payload(56));
        p.parse(ping);
        p.rewriteTransportWord(4, 0xBEEF);
        assertEquals(0xBEEF, ping.getUnsignedShort(p.transportOffset() + 4));
        assertEquals(ParseStatus.OK, p.verifyTransportChecksum());
        assertThrows(IllegalArgumentException.class, () -> p.rewriteTransportWord(p.transportLength(), 1));
    }

    @Test
    void builtPacketsParseAndVerify() {
        for (byte[][] pair : new byte[][][] { { V4_A, V4_B }, { V6_A, V6_B } }) {
            ByteBuf udp = Unpooled.buffer();
            PacketBuilder.udp(udp, pair[0], pair[1], 5000, 53, payload(100));
            assertEquals(ParseStatus.OK, p.parse(udp));
            assertEquals(IpProtocol.UDP, p.protocol());
            assertEquals(5000, p.sourcePort());
            assertEquals(53, p.destinationPort());
            assertEquals(108, p.transportLength());
            assertEquals(ParseStatus.OK, p.verifyTransportChecksum());

            ByteBuf tcp = Unpooled.buffer();
            PacketBuilder.tcp(tcp, pair[0], pair[1], 40000, 80, 1, 0, 0x02, payload(0));
            assertEquals(ParseStatus.OK, p.parse(tcp));
            assertEquals(IpProtocol.TCP, p.protocol());
            assertEquals(ParseStatus.OK, p.verifyTransportChecksum());

            ByteBuf ping = Unpooled.buffer();
            PacketBuilder.echoRequest(ping, pair[0], pair[1], 1, 1, payload(56));
            assertEquals(ParseStatus.OK, p.parse(ping));
            assertEquals(ParseStatus.OK, p.verifyTransportChecksum());
        }
    }

    @Test
    void rewritingAddressesKeepsEveryChecksumRight() {
        Random r = new Random(3);
        for (int round = 0; round < 5000; round++) {
            boolean v6 = r.nextBoolean();
            byte[] src = v6 ? V6_A.clone() : V4_A.clone();
            byte[] dst = v6 ? V6_B.clone() : V4_B.clone();
            ByteBuf b = Unpooled.buffer();
            switch (r.nextInt(3)) {
                case 0 -> PacketBuilder.udp(b, src, dst, r.nextInt(65536), r.nextInt(65536), payload(r.nextInt(200)));
                case 1 -> PacketBuilder.tcp(b, src, dst, r.nextInt(65536), r.nextInt(65536), r.nextInt(), r.nextInt(), 0x18, payload(r.nextInt(200)));
                default -> PacketBuilder.echoRequest(b, src, dst, r.nextInt(65536), r.nextInt(65536), payload(r.nextInt(200)));
            }
            assertEquals(ParseStatus.OK, p.parse(b));
            byte[] newSrc = new byte[src.length];
            byte[] newDst = new byte[dst.length];
            r.nextBytes(newSrc);
            r.nextBytes(newDst);
            p.rewriteSource(newSrc);
            p.rewriteDestination(newDst);
            assertEquals(ParseStatus.OK, p.parse(b), "round " + round + ": the IPv4 header checksum follows");
            assertEquals(ParseStatus.OK, p.verifyTransportChecksum(), "round " + round + ": the transport checksum follows");
            byte[] seen = new byte[src.length];
            p.copySourceAddress(seen, 0);
            assertEquals(java.util.Arrays.toString(newSrc), java.util.Arrays.toString(seen));
        }
    }

    @Test
    void anIpv4UdpPacketWithoutChecksumStaysWithout() {
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.udp(b, V4_A, V4_B, 1, 2, payload(10));
        b.setShort(20 + 6, 0);
        p.parse(b);
        p.rewriteSource(V4_B);
        assertEquals(0, b.getUnsignedShort(20 + 6));
        assertEquals(ParseStatus.OK, p.verifyTransportChecksum());
    }

    @Test
    void corruptedChecksumsAreReported() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(10));
        v4.setByte(8, 63); // TTL changed without fixing the header checksum
        assertEquals(ParseStatus.BAD_HEADER_CHECKSUM, p.parse(v4));

        ByteBuf v6 = Unpooled.buffer();
        PacketBuilder.udp(v6, V6_A, V6_B, 1, 2, payload(10));
        v6.setByte(v6.writerIndex() - 1, v6.getByte(v6.writerIndex() - 1) ^ 1);
        assertEquals(ParseStatus.OK, p.parse(v6));
        assertEquals(ParseStatus.BAD_TRANSPORT_CHECKSUM, p.verifyTransportChecksum());
        v6.setShort(40 + 6, 0);
        assertEquals(ParseStatus.BAD_TRANSPORT_CHECKSUM, p.verifyTransportChecksum(), "UDP over IPv6 must carry a checksum");
    }

    @Test
    void everyTruncationIsReportedNeverReadPast() {
        ByteBuf whole = Unpooled.buffer();
        PacketBuilder.tcp(whole, V6_A, V6_B, 1, 2, 3, 4, 0x10, payload(30));
        for (int len = 0; len < whole.readableBytes(); len++) {
            ByteBuf cut = Unpooled.copiedBuffer(whole.nioBuffer(0, len));
            ParseStatus s = p.parse(cut);
            assertNotEquals(ParseStatus.OK, s, "truncated to " + len);
        }
    }

    @Test
    void lyingLengthsAreReported() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(10));
        ByteBuf tooLong = v4.copy();
        setIpv4TotalLength(tooLong, 200);
        assertEquals(ParseStatus.TRUNCATED, p.parse(tooLong));
        ByteBuf belowHeader = v4.copy();
        setIpv4TotalLength(belowHeader, 19);
        assertEquals(ParseStatus.BAD_TOTAL_LENGTH, p.parse(belowHeader));
        ByteBuf udpLies = v4.copy();
        udpLies.setShort(20 + 4, 30);
        assertEquals(ParseStatus.BAD_TRANSPORT_HEADER, p.parse(udpLies));
        ByteBuf ihl = v4.copy();
        ihl.setByte(0, 0x44);
        assertEquals(ParseStatus.BAD_HEADER_LENGTH, p.parse(ihl));

        ByteBuf v6 = Unpooled.buffer();
        PacketBuilder.udp(v6, V6_A, V6_B, 1, 2, payload(10));
        ByteBuf jumbo = v6.copy();
        jumbo.setShort(4, 0);
        assertEquals(ParseStatus.BAD_TOTAL_LENGTH, p.parse(jumbo));
        ByteBuf longer = v6.copy();
        longer.setShort(4, 500);
        assertEquals(ParseStatus.TRUNCATED, p.parse(longer));
        ByteBuf v5 = v6.copy();
        v5.setByte(0, 0x50);
        assertEquals(ParseStatus.BAD_VERSION, p.parse(v5));
    }

    @Test
    void trailingLinkPaddingIsIgnored() {
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.udp(b, V4_A, V4_B, 1, 2, payload(2));
        b.writeZero(12);
        assertEquals(ParseStatus.OK, p.parse(b));
        assertEquals(30, p.length());
        assertEquals(ParseStatus.OK, p.verifyTransportChecksum());
    }

    private static void setIpv4TotalLength(ByteBuf b, int total) {
        b.setShort(2, total);
        b.setShort(10, 0);
        b.setShort(10, InternetChecksum.finish(InternetChecksum.sum(b, 0, 20)));
    }

    /** IPv6 + hop-by-hop + destination options + routing + fragment (first fragment) + UDP. */
    private static ByteBuf withExtensionHeaders(int fragmentOffset, boolean more) {
        ByteBuf b = Unpooled.buffer();
        ByteBuf udpPayload = payload(16);
        int extLength = 8 + 16 + 8 + 8;
        PacketBuilder.ipv6Header(b, V6_A, V6_B, IpProtocol.HOP_BY_HOP, extLength + 8 + 16);
        b.writeByte(IpProtocol.DESTINATION_OPTIONS).writeByte(0).writeZero(6); // hop-by-hop, 8 bytes, PadN-ish
        b.writeByte(IpProtocol.ROUTING).writeByte(1).writeZero(14); // destination options, 16 bytes
        b.writeByte(IpProtocol.FRAGMENT).writeByte(0).writeByte(0).writeByte(0).writeZero(4); // routing, segments left 0
        b.writeByte(IpProtocol.UDP).writeByte(0).writeShort((fragmentOffset << 3) | (more ? 1 : 0)).writeInt(0x1234);
        b.writeShort(7).writeShort(9).writeShort(8 + 16).writeShort(0).writeBytes(udpPayload);
        return b;
    }

    @Test
    void extensionHeadersAreWalkedToTheTransport() {
        ByteBuf b = withExtensionHeaders(0, false);
        assertEquals(ParseStatus.OK, p.parse(b));
        assertEquals(IpProtocol.UDP, p.protocol());
        assertEquals(40 + 40, p.networkHeaderLength());
        assertEquals(7, p.sourcePort());
        assertTrue(p.isFragment(), "an atomic fragment is still a fragment header");

        ByteBuf later = withExtensionHeaders(100, false);
        assertEquals(ParseStatus.OK, p.parse(later));
        assertEquals(100, p.fragmentOffset());
        assertEquals(-1, p.sourcePort(), "a non-first fragment has no ports");
    }

    @Test
    void misplacedOrEndlessExtensionHeadersAreRefused() {
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.ipv6Header(b, V6_A, V6_B, IpProtocol.DESTINATION_OPTIONS, 16);
        b.writeByte(IpProtocol.HOP_BY_HOP).writeByte(0).writeZero(6);
        b.writeByte(IpProtocol.NO_NEXT_HEADER).writeByte(0).writeZero(6);
        assertEquals(ParseStatus.BAD_EXTENSION_HEADER, p.parse(b));

        ByteBuf many = Unpooled.buffer();
        int n = IpPacket.MAX_EXTENSION_HEADERS + 1;
        PacketBuilder.ipv6Header(many, V6_A, V6_B, IpProtocol.DESTINATION_OPTIONS, 8 * n);
        for (int i = 0; i < n; i++) {
            many.writeByte(i == n - 1 ? IpProtocol.NO_NEXT_HEADER : IpProtocol.DESTINATION_OPTIONS).writeByte(0).writeZero(6);
        }
        assertEquals(ParseStatus.TOO_MANY_EXTENSION_HEADERS, p.parse(many));

        ByteBuf overrun = Unpooled.buffer();
        PacketBuilder.ipv6Header(overrun, V6_A, V6_B, IpProtocol.DESTINATION_OPTIONS, 8);
        overrun.writeByte(IpProtocol.UDP).writeByte(5).writeZero(6); // claims 48 bytes, has 8
        assertEquals(ParseStatus.TRUNCATED, p.parse(overrun));
    }

    @Test
    void hopLimitDecrementKeepsTheIpv4HeaderValid() {
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.udp(b, V4_A, V4_B, 1, 2, payload(4));
        p.parse(b);
        assertEquals(63, p.decrementHopLimit());
        assertEquals(ParseStatus.OK, p.parse(b));
    }

    @Test
    void packetTooBigQuotesTheOffenderWithin1280Bytes() {
        ByteBuf big = Unpooled.buffer();
        PacketBuilder.udp(big, V6_A, V6_B, 1, 2, payload(1400));
        assertEquals(ParseStatus.OK, p.parse(big));
        ByteBuf ptb = Unpooled.buffer();
        int len = PacketBuilder.packetTooBig(ptb, V6_B, p, 1400);
        assertEquals(1280, len);
        IpPacket q = new IpPacket();
        assertEquals(ParseStatus.OK, q.parse(ptb));
        assertEquals(IpProtocol.ICMPV6, q.protocol());
        assertEquals(PacketBuilder.ICMPV6_PACKET_TOO_BIG, q.icmpType());
        assertEquals(1400, ptb.getInt(40 + 4));
        assertEquals(ParseStatus.OK, q.verifyTransportChecksum());
        byte[] to = new byte[16];
        q.copyDestinationAddress(to, 0);
        assertEquals(java.util.Arrays.toString(V6_A), java.util.Arrays.toString(to));
        assertEquals(big.getByte(0), ptb.getByte(48), "the quote starts with the offending header");
    }

    @Test
    void randomBytesNeverThrow() {
        Random r = new Random(4);
        for (int round = 0; round < 200_000; round++) {
            byte[] data = TestBytes.random(r, 120);
            if (data.length > 0) {
                data[0] = (byte) ((r.nextBoolean() ? 0x40 : 0x60) | (data[0] & 0x0F));
            }
            ByteBuf b = Unpooled.wrappedBuffer(data);
            if (p.parse(b) == ParseStatus.OK) {
                p.verifyTransportChecksum();
                p.sourcePort();
                p.icmpType();
                p.rewriteDestination(p.version() == 4 ? V4_A : V6_A);
                assertFalse(b.readableBytes() != data.length);
            }
        }
    }
}
