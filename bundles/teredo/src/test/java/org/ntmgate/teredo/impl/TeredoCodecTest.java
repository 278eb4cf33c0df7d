package org.ntmgate.teredo.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Teredo addresses and the encapsulation of RFC 4380 sections 4 and 5.1.1, with the RFC's own example. */
class TeredoCodecTest {
    private static Inet4Address v4(String a) throws Exception {
        return (Inet4Address) InetAddress.getByName(a);
    }

    @Test
    void aBubbleMayCarryTrailersAndTheAlternateAddressTrailerIsRead() {
        byte[] src = new byte[16];
        src[0] = 0x20;
        src[1] = 0x01;
        TeredoDatagram d = new TeredoDatagram();
        long[] alternates = new long[4];

        ByteBuf one = Unpooled.buffer();
        TeredoDatagram.writeBubble(one, src, src, 255);
        TeredoDatagram.writeAlternateAddress(one, 0x0A4D0002, 40001); // 10.77.0.2:40001
        assertEquals(TeredoDatagram.Status.OK, d.parse(one));
        assertTrue(d.isBubble(one), "still a bubble: the IPv6 packet ends where its payload length says");
        assertEquals(40, d.ipv6Length());
        assertEquals(10, d.trailersLength());
        assertEquals(1, d.alternateAddresses(one, alternates));
        assertEquals(0x0A4D0002L << 16 | 40001, alternates[0]);

        ByteBuf unknownThenTwo = Unpooled.buffer(); // a trailer of another type first, then two alternates
        TeredoDatagram.writeBubble(unknownThenTwo, src, src, 255);
        unknownThenTwo.writeBytes(new byte[] { 0x05, 0x02, 0x12, 0x34 });
        unknownThenTwo.writeBytes(HexFormat.of().parseHex("030e0000" + "0a4d00029c41" + "c0a80102abcd"));
        assertEquals(TeredoDatagram.Status.OK, d.parse(unknownThenTwo));
        assertEquals(2, d.alternateAddresses(unknownThenTwo, alternates));
        assertEquals(0xC0A80102L << 16 | 0xABCD, alternates[1]);

        ByteBuf none = Unpooled.buffer();
        TeredoDatagram.writeBubble(none, src, src, 255);
        assertEquals(TeredoDatagram.Status.OK, d.parse(none));
        assertEquals(0, d.trailersLength());
        assertEquals(0, d.alternateAddresses(none, alternates));

        for (String bad : new String[] { "0309000000000000000000", "03080000" + "0a4d00020000", "03080000" + "7f0000019c41", "03080000" + "e00000019c41" }) {
            ByteBuf b = Unpooled.buffer();
            TeredoDatagram.writeBubble(b, src, src, 255);
            b.writeBytes(HexFormat.of().parseHex(bad));
            assertEquals(TeredoDatagram.Status.OK, d.parse(b), bad);
            assertEquals(-1, d.alternateAddresses(b, alternates), "malformed alternate address trailer " + bad);
        }
        for (String bad : new String[] { "03", "0308000000", "00" }) { // trailers that do not fill the rest exactly
            ByteBuf b = Unpooled.buffer();
            TeredoDatagram.writeBubble(b, src, src, 255);
            b.writeBytes(HexFormat.of().parseHex(bad));
            assertEquals(TeredoDatagram.Status.BAD_LENGTH, d.parse(b), bad);
        }
    }

    @Test
    void anAddressCarriesServerFlagsAndTheObfuscatedMapping() throws Exception {
        // server 192.0.2.1, cone, mapped 198.51.100.7:40000: port 40000 = 0x9c40 -> 0x63bf; 198.51.100.7 = c6336407 -> 39cc9bf8
        TeredoAddress t = new TeredoAddress(v4("192.0.2.1"), TeredoAddress.CONE, 40000, v4("198.51.100.7"));
        assertEquals(InetAddress.getByName("2001:0:c000:201:8000:63bf:39cc:9bf8"), t.toInet6());
        TeredoAddress back = TeredoAddress.parse(t.toBytes());
        assertEquals(t, back);
        assertTrue(back.cone());
        assertTrue(TeredoAddress.isTeredo(t.toBytes(), 0));
        assertFalse(TeredoAddress.isTeredo(InetAddress.getByName("2001:db8::1").getAddress(), 0));
        assertThrows(IllegalArgumentException.class, () -> TeredoAddress.parse(InetAddress.getByName("2001:db8::1").getAddress()));
    }

    @Test
    void rfc5991ClientAddressesHaveTheConeBitClearAndTwelveRandomBits() throws Exception {
        Random r = new Random(5991);
        int seen = 0;
        for (int i = 0; i < 1000; i++) {
            TeredoAddress t = TeredoAddress.ofClient(v4("192.0.2.1"), r.nextInt(), 40000, v4("198.51.100.7"));
            assertFalse(t.cone());
            assertEquals(0, t.flags() & ~TeredoAddress.RANDOM_BITS, "C, R, U and G stay zero");
            seen |= t.flags();
        }
        assertEquals(TeredoAddress.RANDOM_BITS, seen, "every random bit is used");
        assertEquals(12, Integer.bitCount(TeredoAddress.RANDOM_BITS));
    }

    @Test
    void theOriginIndicationMatchesTheRfcExample() {
        ByteBuf out = Unpooled.buffer();
        TeredoDatagram.writeOrigin(out, 337, 0x01020304);
        assertEquals("0000feaefefdfcfb", ByteBufUtil.hexDump(out), "RFC 4380 section 5.1.1: port 337 and 1.2.3.4");
    }

    @Test
    void authenticationOriginAndPacketParseInTheirOrder() throws Exception {
        byte[] src = TeredoAddress.ofClient(v4("192.0.2.1"), 0x1234, 40000, v4("198.51.100.7")).toBytes();
        byte[] dst = InetAddress.getByName("2001:db8::80").getAddress();
        ByteBuf out = Unpooled.buffer();
        TeredoDatagram.writeAuthentication(out, 0x0102030405060708L, 0);
        TeredoDatagram.writeOrigin(out, 3544, 0xC0000201);
        TeredoDatagram.writeBubble(out, src, dst, 64);
        TeredoDatagram d = new TeredoDatagram();
        assertEquals(TeredoDatagram.Status.OK, d.parse(out));
        assertTrue(d.hasAuthentication() && d.hasOrigin());
        assertEquals(0x0102030405060708L, d.nonce());
        assertEquals(3544, d.originPort());
        assertEquals(0xC0000201, d.originAddress());
        assertEquals(13 + 8, d.ipv6Offset());
        assertTrue(d.isBubble(out));
        byte[] inner = new byte[16];
        out.getBytes(d.ipv6Offset() + 8, inner);
        assertArrayEquals(src, inner);

        ByteBuf simple = Unpooled.buffer();
        TeredoDatagram.writeBubble(simple, src, dst, 64);
        assertEquals(TeredoDatagram.Status.OK, d.parse(simple));
        assertFalse(d.hasAuthentication() || d.hasOrigin(), "a previous parse leaves nothing behind");
    }

    @Test
    void malformedDatagramsAreRefusedWithTheirReasonAtEveryLength() throws Exception {
        byte[] src = TeredoAddress.ofClient(v4("192.0.2.1"), 7, 40000, v4("198.51.100.7")).toBytes();
        ByteBuf whole = Unpooled.buffer();
        TeredoDatagram.writeAuthentication(whole, 1, 0);
        TeredoDatagram.writeOrigin(whole, 1, 2);
        TeredoDatagram.writeBubble(whole, src, src, 64);
        TeredoDatagram d = new TeredoDatagram();
        for (int cut = 0; cut < whole.readableBytes(); cut++) {
            TeredoDatagram.Status s = d.parse(whole.slice(0, cut));
            assertTrue(s == TeredoDatagram.Status.TRUNCATED, cut + ": " + s);
        }
        assertEquals(TeredoDatagram.Status.NOT_TEREDO, d.parse(Unpooled.wrappedBuffer(HexFormat.of().parseHex("4500001c0000"))));
        assertEquals(TeredoDatagram.Status.NOT_TEREDO, d.parse(Unpooled.wrappedBuffer(HexFormat.of().parseHex("0002000000000000"))));
        ByteBuf twice = Unpooled.buffer();
        TeredoDatagram.writeOrigin(twice, 1, 2);
        TeredoDatagram.writeAuthentication(twice, 1, 0);
        TeredoDatagram.writeBubble(twice, src, src, 64);
        assertEquals(TeredoDatagram.Status.BAD_ORDER, d.parse(twice), "authentication must come first");
        ByteBuf longer = Unpooled.buffer();
        TeredoDatagram.writeBubble(longer, src, src, 64);
        longer.writeByte(0);
        assertEquals(TeredoDatagram.Status.BAD_LENGTH, d.parse(longer));
        Random r = new Random(4380);
        for (int i = 0; i < 100_000; i++) { // random input never throws, whatever it is
            byte[] junk = new byte[r.nextInt(80)];
            r.nextBytes(junk);
            if (junk.length > 0 && r.nextBoolean()) {
                junk[0] = 0;
            }
            d.parse(Unpooled.wrappedBuffer(junk));
        }
        long[] alternates = new long[4];
        for (int i = 0; i < 100_000; i++) { // random trailers after a bubble: parsed or refused, never an exception
            ByteBuf b = Unpooled.buffer();
            TeredoDatagram.writeBubble(b, src, src, 255);
            byte[] junk = new byte[r.nextInt(40)];
            r.nextBytes(junk);
            if (junk.length > 1 && r.nextBoolean()) {
                junk[0] = TeredoDatagram.ALTERNATE_ADDRESS;
                junk[1] = (byte) (junk.length - 2);
            }
            b.writeBytes(junk);
            if (d.parse(b) == TeredoDatagram.Status.OK) {
                int n = d.alternateAddresses(b, alternates);
                assertTrue(n >= -1 && n <= 4, "count " + n);
            }
        }
    }
}
