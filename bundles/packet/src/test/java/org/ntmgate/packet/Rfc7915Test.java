package org.ntmgate.packet;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntmgate.packet.IpPacketTest.V4_A;
import static org.ntmgate.packet.IpPacketTest.V4_B;
import static org.ntmgate.packet.IpPacketTest.V6_A;
import static org.ntmgate.packet.IpPacketTest.V6_B;
import static org.ntmgate.packet.IpPacketTest.payload;

import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** RFC 7915 as protocol.md 11.6 uses it; every checksum is checked by {@link Independent}, not by the code under test. */
class Rfc7915Test {
    /** V4_A <-> V6_A, V4_B <-> V6_B; nothing else. */
    static final Rfc7915.AddressMap PAIRS = new Rfc7915.AddressMap() {
        @Override
        public boolean toIpv6(ByteBuf buf, int at, byte[] v6) {
            byte[] a = new byte[4];
            buf.getBytes(at, a);
            byte[] m = Arrays.equals(a, V4_A) ? V6_A : Arrays.equals(a, V4_B) ? V6_B : null;
            if (m != null) {
                System.arraycopy(m, 0, v6, 0, 16);
            }
            return m != null;
        }

        @Override
        public boolean toIpv4(ByteBuf buf, int at, byte[] v4) {
            byte[] a = new byte[16];
            buf.getBytes(at, a);
            byte[] m = Arrays.equals(a, V6_A) ? V4_A : Arrays.equals(a, V6_B) ? V4_B : null;
            if (m != null) {
                System.arraycopy(m, 0, v4, 0, 4);
            }
            return m != null;
        }
    };

    private final Rfc7915 t = new Rfc7915(PAIRS);

    static IpPacket parsed(ByteBuf b) {
        IpPacket q = new IpPacket();
        assertEquals(ParseStatus.OK, q.parse(b));
        return q;
    }

    private static String transport(IpPacket q) {
        return ByteBufUtil.hexDump(q.buffer(), q.transportOffset(), q.transportLength());
    }

    private ByteBuf six(ByteBuf v4) {
        ByteBuf out = Unpooled.buffer();
        assertTrue(t.toIpv6(parsed(v4), out) > 0, "translated");
        return out;
    }

    private ByteBuf four(ByteBuf v6) {
        ByteBuf out = Unpooled.buffer();
        assertTrue(t.toIpv4(parsed(v6), out) > 0, "translated");
        return out;
    }

    @Test
    void udpAndTcpCrossBothWaysWithChecksumsRightAndPayloadIntact() {
        for (int kind = 0; kind < 2; kind++) {
            ByteBuf v4 = Unpooled.buffer();
            if (kind == 0) {
                PacketBuilder.udp(v4, V4_A, V4_B, 5353, 53, payload(301));
            } else {
                PacketBuilder.tcp(v4, V4_A, V4_B, 40000, 80, 12345, 678, 0x18, payload(300));
            }
            v4.setByte(1, 0x28); // a TOS to carry
            v4.setByte(8, 17); // and a TTL
            v4.setShort(10, 0);
            v4.setShort(10, Independent.checksum(v4, 0, 20, 0));
            IpPacket in = parsed(v4);
            String original = transport(in);
            ByteBuf v6 = six(v4);
            IpPacket six = parsed(v6);
            assertEquals(40 + in.transportLength(), v6.readableBytes());
            assertEquals(in.protocol(), six.protocol());
            assertTrue(Independent.verifies(v6), "the IPv6 checksum is right");
            assertEquals(17, six.hopLimit(), "the TTL is the hop limit");
            assertEquals(0x28, six.trafficClass());
            assertArrayEquals(V6_A, bytes(v6, 8, 16));
            assertArrayEquals(V6_B, bytes(v6, 24, 16));

            ByteBuf back = four(v6);
            IpPacket four = parsed(back);
            assertTrue(Independent.verifies(back), "the IPv4 checksums are right");
            assertEquals(original, transport(four), "the round trip gives the same transport bytes");
            assertEquals(0x4000, back.getUnsignedShort(6), "DF set on an unfragmented packet");
            assertEquals(17, four.hopLimit());
        }
    }

    @Test
    void echoBecomesIcmpv6EchoAndBack() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.echoRequest(v4, V4_A, V4_B, 7, 1, payload(56));
        ByteBuf v6 = six(v4);
        IpPacket six = parsed(v6);
        assertEquals(IpProtocol.ICMPV6, six.protocol());
        assertEquals(128, six.icmpType());
        assertTrue(Independent.verifies(v6));
        ByteBuf back = four(v6);
        IpPacket four = parsed(back);
        assertEquals(8, four.icmpType());
        assertTrue(Independent.verifies(back));
        assertEquals(transport(parsed(v4)), transport(four));
    }

    @Test
    void ipv4UdpWithoutChecksumGetsOneInIpv6AndAFragmentWithoutOneIsRefused() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(20));
        v4.setShort(20 + 6, 0);
        ByteBuf v6 = six(v4);
        assertTrue(v6.getUnsignedShort(40 + 6) != 0);
        assertTrue(Independent.verifies(v6));

        setFlags(v4, 0x2000);
        assertEquals(-1, t.toIpv6(parsed(v4), Unpooled.buffer()), "4.5: a fragment without a checksum");
    }

    @Test
    void fragmentsKeepIdentificationOffsetAndFlagBothWays() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(64));
        v4.setShort(4, 0xBEEF);
        setFlags(v4, 0x2000); // first fragment, more to come
        IpPacket in = parsed(v4);
        ByteBuf v6 = six(v4);
        assertEquals(48 + in.transportLength(), v6.readableBytes());
        IpPacket six = parsed(v6);
        assertEquals(IpProtocol.UDP, six.protocol());
        assertTrue(six.isFragment() && six.moreFragments());
        assertEquals(0xBEEF, six.fragmentIdentification());
        IpPacket four = parsed(four(v6));
        assertEquals(0xBEEF, four.fragmentIdentification());
        assertTrue(four.moreFragments());
        assertEquals(0, four.buffer().getUnsignedShort(6) & 0x4000, "no DF on a fragment");

        setFlags(v4, 185); // the last fragment, at 1480 bytes
        IpPacket last = parsed(six(v4));
        assertEquals(185, last.fragmentOffset());
        assertFalse(last.moreFragments());
    }

    @Test
    void optionsAreLeftOutAndASourceRouteIsRefused() {
        ByteBuf plain = Unpooled.buffer();
        PacketBuilder.udp(plain, V4_A, V4_B, 1000, 53, payload(30));
        ByteBuf withOption = withOptions(plain, new byte[] { 7, 7, 4, 0, 0, 0, 0, 0 }); // record route, room for one
        ByteBuf v6 = six(withOption);
        assertEquals(40 + 8 + 30, v6.readableBytes(), "the option is not carried");
        assertTrue(Independent.verifies(v6));
        ByteBuf routed = withOptions(plain, new byte[] { (byte) 131, 7, 4, (byte) 192, 0, 2, 99, 0 }); // LSRR, one hop left
        assertEquals(-1, t.toIpv6(parsed(routed), Unpooled.buffer()));
    }

    @Test
    void anIcmpPortUnreachableBecomesIcmpv6WithItsQuotedPacketTranslated() {
        ByteBuf udp = Unpooled.buffer(); // B sent it, A's port was closed
        PacketBuilder.udp(udp, V4_B, V4_A, 53, 5000, payload(40));
        ByteBuf err = icmp4(V4_A, V4_B, 3, 3, 0, udp, udp.readableBytes());
        ByteBuf v6 = six(err);
        IpPacket six = parsed(v6);
        assertEquals(1, six.icmpType());
        assertEquals(4, v6.getUnsignedByte(41), "port unreachable");
        assertTrue(Independent.verifies(v6), "the error's checksum");
        ByteBuf inner = v6.slice(48, v6.readableBytes() - 48);
        assertArrayEquals(V6_B, bytes(inner, 8, 16));
        assertArrayEquals(V6_A, bytes(inner, 24, 16));
        assertEquals(IpProtocol.UDP, inner.getUnsignedByte(6));
        assertTrue(Independent.verifies(inner), "the quoted UDP's checksum, carried over");

        ByteBuf back = four(v6);
        assertEquals(3, back.getUnsignedByte(20));
        assertEquals(3, back.getUnsignedByte(21));
        assertTrue(Independent.verifies(back));
        assertTrue(Independent.verifies(back.slice(28, back.readableBytes() - 28)), "the quoted IPv4 packet's checksums");
    }

    @Test
    void aQuotedPacketCutShortKeepsAChecksumEqualToTheWholeTranslation() {
        ByteBuf udp = Unpooled.buffer();
        PacketBuilder.udp(udp, V4_B, V4_A, 53, 5000, payload(400));
        ByteBuf whole = six(udp);
        ByteBuf err = icmp4(V4_A, V4_B, 11, 0, 0, udp, 28); // the header and 8 bytes, as many stacks quote
        ByteBuf v6 = six(err);
        assertEquals(3, v6.getUnsignedByte(40), "Time Exceeded");
        assertEquals(48 + 40 + 8, v6.readableBytes());
        assertEquals(408, v6.getUnsignedShort(48 + 4), "the quoted header keeps the length it claimed");
        assertEquals(ByteBufUtil.hexDump(whole, 40, 8), ByteBufUtil.hexDump(v6, 88, 8), "the quoted UDP header as a whole translation has it");
        assertTrue(Independent.verifies(v6));
    }

    @Test
    void fragmentationNeededAndPacketTooBigTranslateTheirMtu() {
        ByteBuf tcp = Unpooled.buffer();
        PacketBuilder.tcp(tcp, V4_B, V4_A, 80, 40000, 1, 2, 0x10, payload(1360));
        ByteBuf fn = icmp4(V4_A, V4_B, 3, 4, 1380, tcp, 548);
        ByteBuf ptb = six(fn);
        assertEquals(2, ptb.getUnsignedByte(40));
        assertEquals(1400, ptb.getUnsignedInt(44), "the IPv4 MTU plus 20");
        assertTrue(ptb.readableBytes() <= 1280);
        assertTrue(Independent.verifies(ptb));

        ByteBuf old = icmp4(V4_A, V4_B, 3, 4, 0, tcp, 548); // an old router: no MTU, a plateau below the packet's length
        assertEquals(1280, six(old).getUnsignedInt(44), "plateau 1006 plus 20, raised to the IPv6 minimum");

        ByteBuf tcp6 = Unpooled.buffer();
        PacketBuilder.tcp(tcp6, V6_A, V6_B, 40000, 80, 1, 2, 0x10, payload(1400));
        ByteBuf ptb6 = Unpooled.buffer();
        PacketBuilder.packetTooBig(ptb6, V6_B, parsed(tcp6), 1400);
        ByteBuf fn4 = four(ptb6);
        assertEquals(3, fn4.getUnsignedByte(20));
        assertEquals(4, fn4.getUnsignedByte(21));
        assertEquals(1380, fn4.getUnsignedShort(26));
        assertTrue(fn4.readableBytes() <= 576, "5.3: at most 576 bytes");
        assertTrue(Independent.verifies(fn4));
        ByteBuf quoted = fn4.slice(28, 20);
        assertEquals(0, Independent.checksum(quoted, 0, 20, 0), "the quoted IPv4 header's checksum is right");
        assertArrayEquals(V4_A, bytes(quoted, 12, 4));
    }

    @Test
    void icmpv6ErrorsMapToTheirIcmpv4TypesAndCodes() {
        ByteBuf udp6 = Unpooled.buffer();
        PacketBuilder.udp(udp6, V6_A, V6_B, 5000, 53, payload(20));
        int[][] cases = { // ICMPv6 type, code, field -> ICMPv4 type, code, field word
                { 1, 4, 0, 3, 3, 0 }, { 1, 0, 0, 3, 1, 0 }, { 1, 1, 0, 3, 10, 0 }, { 3, 0, 0, 11, 0, 0 }, { 3, 1, 0, 11, 1, 0 }, { 4, 1, 40, 3, 2, 0 },
                { 4, 0, 6, 12, 0, 9 << 24 }, { 4, 0, 7, 12, 0, 8 << 24 }, { 4, 0, 30, 12, 0, 16 << 24 } };
        for (int[] c : cases) {
            ByteBuf e = icmp6(V6_B, V6_A, c[0], c[1], c[2], udp6);
            ByteBuf v4 = four(e);
            String what = "ICMPv6 " + c[0] + "/" + c[1];
            assertEquals(c[3], v4.getUnsignedByte(20), what);
            assertEquals(c[4], v4.getUnsignedByte(21), what);
            assertEquals(c[5], v4.getInt(24), what);
            assertTrue(Independent.verifies(v4), what);
        }
        for (int[] c : new int[][] { { 1, 5 }, { 4, 2 }, { 4, 0, 2 }, { 137, 0 } }) { // no IPv4 equivalent
            assertEquals(-1, t.toIpv4(parsed(icmp6(V6_B, V6_A, c[0], c[1], c.length > 2 ? c[2] : 0, udp6)), Unpooled.buffer()), c[0] + "/" + c[1]);
        }
    }

    @Test
    void icmpv4ErrorsMapToTheirIcmpv6TypesAndCodes() {
        ByteBuf udp = Unpooled.buffer();
        PacketBuilder.udp(udp, V4_B, V4_A, 53, 5000, payload(20));
        int[][] cases = { { 3, 0, 1, 0, 0 }, { 3, 1, 1, 0, 0 }, { 3, 9, 1, 1, 0 }, { 3, 13, 1, 1, 0 }, { 3, 2, 4, 1, 6 }, { 11, 1, 3, 1, 0 },
                { 12, 0, 4, 0, 6 } }; // ICMPv4 type, code -> ICMPv6 type, code, field; parameter problem at 9 (protocol)
        for (int[] c : cases) {
            ByteBuf e = icmp4(V4_A, V4_B, c[0], c[1], c[0] == 12 ? 9 << 24 : 0, udp, udp.readableBytes());
            ByteBuf v6 = six(e);
            String what = "ICMP " + c[0] + "/" + c[1];
            assertEquals(c[2], v6.getUnsignedByte(40), what);
            assertEquals(c[3], v6.getUnsignedByte(41), what);
            assertEquals(c[4], v6.getInt(44), what);
            assertTrue(Independent.verifies(v6), what);
        }
        assertEquals(-1, t.toIpv6(parsed(icmp4(V4_A, V4_B, 5, 0, 0, udp, 28)), Unpooled.buffer()), "redirect");
        assertEquals(-1, t.toIpv6(parsed(icmp4(V4_A, V4_B, 3, 14, 0, udp, 28)), Unpooled.buffer()), "precedence violation");
        assertEquals(-1, t.toIpv6(parsed(icmp4(V4_A, V4_B, 12, 0, 5 << 24, udp, 28)), Unpooled.buffer()), "a pointer into the id field");
    }

    @Test
    void anErrorFromAnUnmappedRouterComesFromTheDummyAddressAndOtherPacketsFromItAreRefused() {
        byte[] router = IpPacketTest.addr("2001:db8:ff::1");
        ByteBuf udp6 = Unpooled.buffer();
        PacketBuilder.udp(udp6, V6_A, V6_B, 5000, 53, payload(20));
        ByteBuf v4 = four(icmp6(router, V6_A, 3, 0, 0, udp6));
        assertArrayEquals(Rfc7915.DUMMY_IPV4, bytes(v4, 12, 4));
        assertTrue(Independent.verifies(v4));

        ByteBuf plain = Unpooled.buffer();
        PacketBuilder.udp(plain, router, V6_A, 1, 2, payload(4));
        assertEquals(-1, t.toIpv4(parsed(plain), Unpooled.buffer()));
        ByteBuf foreign = Unpooled.buffer();
        PacketBuilder.udp(foreign, IpPacketTest.addr("192.0.2.99"), V4_B, 1, 2, payload(4));
        assertEquals(-1, t.toIpv6(parsed(foreign), Unpooled.buffer()), "an IPv4 address with no mapping");
    }

    @Test
    void anErrorAboutAnErrorAndAFragmentedIcmpAreRefused() {
        ByteBuf udp = Unpooled.buffer();
        PacketBuilder.udp(udp, V4_B, V4_A, 53, 5000, payload(20));
        ByteBuf first = icmp4(V4_B, V4_A, 3, 3, 0, udp, udp.readableBytes());
        assertEquals(-1, t.toIpv6(parsed(icmp4(V4_A, V4_B, 3, 3, 0, first, first.readableBytes())), Unpooled.buffer()));
        ByteBuf echo = Unpooled.buffer();
        PacketBuilder.echoRequest(echo, V4_A, V4_B, 1, 1, payload(100));
        setFlags(echo, 0x2000);
        assertEquals(-1, t.toIpv6(parsed(echo), Unpooled.buffer()));
    }

    @Test
    void theMssOfASynIsLoweredWithItsChecksumRightWhereverTheOptionStands() {
        for (byte[] options : new byte[][] { { 2, 4, 0x05, (byte) 0xb4 }, { 1, 2, 4, 0x05, (byte) 0xb4, 1, 1, 1 } }) {
            ByteBuf syn = tcpWithOptions(0x02, options);
            IpPacket p = parsed(syn);
            assertTrue(Rfc7915.clampMss(p, 1340));
            int at = 20 + 20 + (options[0] == 1 ? 3 : 2);
            assertEquals(1340, syn.getUnsignedShort(at));
            assertTrue(Independent.verifies(syn), "the checksum after the change");
            assertFalse(Rfc7915.clampMss(parsed(syn), 1340), "already low enough");
        }
        ByteBuf ack = tcpWithOptions(0x10, new byte[] { 2, 4, 0x05, (byte) 0xb4 });
        assertFalse(Rfc7915.clampMss(parsed(ack), 1340), "only a SYN carries the option");
    }

    @Test
    void anIpv6PacketTooLargeIsSplitIntoFragmentsThatFitAndJoinAgain() {
        ByteBuf big = Unpooled.buffer();
        PacketBuilder.udp(big, V6_A, V6_B, 1, 2, payload(3000));
        IpPacket p = parsed(big);
        ByteBuf out = Unpooled.buffer();
        int n = Rfc7915.fragment(p, 1400, 0x1234, out);
        assertEquals(3, n);
        ByteBuf joined = Unpooled.buffer();
        int at = 0;
        for (int i = 0; i < n; i++) {
            int len = 40 + out.getUnsignedShort(at + 4);
            assertTrue(len <= 1400);
            IpPacket f = parsed(out.slice(at, len));
            assertEquals(0x1234, f.fragmentIdentification());
            assertEquals(joined.readableBytes() / 8, f.fragmentOffset());
            assertEquals(i < n - 1, f.moreFragments());
            joined.writeBytes(out, at + 48, len - 48);
            at += len;
        }
        assertEquals(ByteBufUtil.hexDump(big, 40, big.readableBytes() - 40), ByteBufUtil.hexDump(joined));
    }

    // ---- building ------------------------------------------------------------------------------------------------

    static byte[] bytes(ByteBuf b, int at, int n) {
        byte[] a = new byte[n];
        b.getBytes(at, a);
        return a;
    }

    private static void setFlags(ByteBuf v4, int flagsAndOffset) {
        v4.setShort(6, flagsAndOffset);
        v4.setShort(10, 0);
        v4.setShort(10, Independent.checksum(v4, 0, 20, 0));
    }

    /** {@code plain} (IPv4, no options) with {@code options} (a multiple of 4 bytes) after its header. */
    private static ByteBuf withOptions(ByteBuf plain, byte[] options) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(plain, 0, 20);
        b.writeBytes(options);
        b.writeBytes(plain, 20, plain.readableBytes() - 20);
        b.setByte(0, 0x40 | (20 + options.length) / 4);
        b.setShort(2, b.readableBytes());
        b.setShort(10, 0);
        b.setShort(10, Independent.checksum(b, 0, 20 + options.length, 0));
        return b;
    }

    /** An ICMPv4 error {@code type}/{@code code} with 32-bit {@code field}, from src to dst, quoting {@code quote} bytes of {@code about}. */
    static ByteBuf icmp4(byte[] src, byte[] dst, int type, int code, int field, ByteBuf about, int quote) {
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.ipv4Header(b, src, dst, IpProtocol.ICMP, 8 + quote, 0);
        b.writeByte(type).writeByte(code).writeShort(0).writeInt(field);
        b.writeBytes(about, 0, quote);
        b.setShort(22, Independent.checksum(b, 20, b.readableBytes() - 20, 0));
        return b;
    }

    /** An ICMPv6 error quoting all of {@code about}. */
    static ByteBuf icmp6(byte[] src, byte[] dst, int type, int code, int field, ByteBuf about) {
        ByteBuf b = Unpooled.buffer();
        int len = 8 + about.readableBytes();
        PacketBuilder.ipv6Header(b, src, dst, IpProtocol.ICMPV6, len);
        b.writeByte(type).writeByte(code).writeShort(0).writeInt(field);
        b.writeBytes(about, 0, about.readableBytes());
        b.setShort(42, Independent.checksum(b, 40, len, Independent.pseudo6(b, 0, IpProtocol.ICMPV6, len)));
        return b;
    }

    private static ByteBuf tcpWithOptions(int flags, byte[] options) {
        ByteBuf b = Unpooled.buffer();
        int tl = 20 + options.length + 10;
        PacketBuilder.ipv4Header(b, V4_A, V4_B, IpProtocol.TCP, tl, 0);
        b.writeShort(40000).writeShort(80).writeInt(1).writeInt(0);
        b.writeByte(((20 + options.length) / 4) << 4).writeByte(flags).writeShort(65535).writeShort(0).writeShort(0);
        b.writeBytes(options);
        b.writeBytes(payload(10));
        b.setShort(36, Independent.checksum(b, 20, tl, Independent.pseudo4(b, 0, IpProtocol.TCP, tl)));
        return b;
    }
}
