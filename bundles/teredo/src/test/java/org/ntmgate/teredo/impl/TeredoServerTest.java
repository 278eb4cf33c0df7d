package org.ntmgate.teredo.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HexFormat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;

class TeredoServerTest {
    /** A Router Solicitation as Miredo's client sends it (captured in our lab): authentication with a nonce, no origin. */
    private static final String MIREDO_RS = "00010000918f6801b9d02e7d00"
            + "6000000000083afffe800000000000000000ffffffffffffff02000000000000000000000000000285007d3700000000";
    private static final InetSocketAddress CLIENT = new InetSocketAddress("198.51.100.2", 45623);

    private static TeredoServer server() throws Exception {
        return new TeredoServer((Inet4Address) InetAddress.getByName("198.51.100.10"), 20, 40);
    }

    private static ByteBuf rs() {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(MIREDO_RS));
    }

    @Test
    void aSolicitationGetsAnAdvertisementWithTheNonceTheOriginAndThePrefixFromTheSocketItReached() throws Exception {
        TeredoServer s = server();
        for (boolean secondary : new boolean[] { false, true }) {
            TeredoServer.Answer a = s.handle(rs(), CLIENT, secondary, 0);
            assertNotNull(a);
            assertEquals(secondary, a.fromSecondary(), "RFC 5991: answered from the address the solicitation reached");
            assertEquals(CLIENT, a.to());
            ByteBuf out = Unpooled.wrappedBuffer(a.payload());
            TeredoDatagram d = new TeredoDatagram();
            assertEquals(TeredoDatagram.Status.OK, d.parse(out));
            assertTrue(d.hasAuthentication());
            assertEquals(0x918f6801b9d02e7dL, d.nonce(), "the nonce echoed");
            assertEquals(0, d.confirmation());
            assertTrue(d.hasOrigin());
            assertEquals(45623, d.originPort());
            assertEquals(TeredoServer.v4((Inet4Address) InetAddress.getByName("198.51.100.2")), d.originAddress());
            IpPacket ip = new IpPacket();
            ByteBuf v6 = out.slice(d.ipv6Offset(), d.ipv6Length());
            assertEquals(ParseStatus.OK, ip.parse(v6));
            assertEquals(ParseStatus.OK, ip.verifyTransportChecksum());
            assertEquals(134, ip.icmpType());
            assertEquals(255, ip.hopLimit());
            byte[] src = new byte[16];
            ip.copySourceAddress(src, 0);
            assertEquals("fe80:0:0:0:8000:f227:39cc:9bf5", InetAddress.getByAddress(src).getHostAddress(), "the server's Teredo link-local address");
            byte[] prefix = new byte[16];
            v6.getBytes(40 + 16 + 16, prefix);
            assertEquals("2001:0:c633:640a:0:0:0:0", InetAddress.getByAddress(prefix).getHostAddress(), "the Teredo prefix of the primary");
        }
        assertEquals(2, s.count(TeredoServer.Count.ADVERTISEMENTS));
    }

    @Test
    void aConeCheckSolicitationIsAnsweredFromTheOtherAddress() throws Exception {
        TeredoServer s = server();
        byte[] rs = HexFormat.of().parseHex(MIREDO_RS);
        int srcAt = 13 + 8; // after the authentication element (13 bytes), the IPv6 source
        System.arraycopy(TeredoServer.CONE_LINK_LOCAL, 0, rs, srcAt, 16);
        // the checksum covers the source: the server does not check an RS's checksum (Miredo's neither), only its form
        for (boolean secondary : new boolean[] { false, true }) {
            TeredoServer.Answer a = s.handle(Unpooled.wrappedBuffer(rs), CLIENT, secondary, 0);
            assertNotNull(a);
            assertEquals(!secondary, a.fromSecondary(), "RFC 4380 5.3.2: the cone check is answered from the other address");
            TeredoDatagram d = new TeredoDatagram();
            ByteBuf out = Unpooled.wrappedBuffer(a.payload());
            assertEquals(TeredoDatagram.Status.OK, d.parse(out));
            byte[] dst = new byte[16];
            out.getBytes(d.ipv6Offset() + 24, dst);
            assertEquals("fe80:0:0:0:8000:5445:5245:444f", InetAddress.getByAddress(dst).getHostAddress(), "sent back to the cone address");
        }
    }

    @Test
    void nonGlobalSourcesAndGarbageAreDroppedAndCounted() throws Exception {
        TeredoServer s = server();
        assertNull(s.handle(rs(), new InetSocketAddress("10.77.0.2", 4000), false, 0));
        assertNull(s.handle(rs(), new InetSocketAddress("192.168.1.2", 4000), false, 0));
        assertNull(s.handle(rs(), new InetSocketAddress("127.0.0.1", 4000), false, 0));
        assertEquals(3L, s.drops().get(TeredoServer.Drop.NOT_GLOBAL_SOURCE));
        assertNull(s.handle(Unpooled.wrappedBuffer(new byte[] { 1, 2, 3 }), CLIENT, false, 0));
        assertNull(s.handle(Unpooled.wrappedBuffer(HexFormat.of().parseHex(MIREDO_RS.substring(0, 60))), CLIENT, false, 0));
        assertEquals(2L, s.drops().get(TeredoServer.Drop.NOT_TEREDO));
        assertTrue(TeredoServer.globalUnicast(TeredoServer.v4((Inet4Address) InetAddress.getByName("203.0.113.9"))));
        assertFalse(TeredoServer.globalUnicast(TeredoServer.v4((Inet4Address) InetAddress.getByName("172.20.0.1"))));
        assertFalse(TeredoServer.globalUnicast(TeredoServer.v4((Inet4Address) InetAddress.getByName("169.254.1.1"))));
        assertFalse(TeredoServer.globalUnicast(TeredoServer.v4((Inet4Address) InetAddress.getByName("224.0.0.1"))));
    }

    @Test
    void aBubbleBetweenTwoClientsIsPassedOnWithTheSendersOriginAndASpoofedOneIsNot() throws Exception {
        TeredoServer s = server();
        Inet4Address server = (Inet4Address) InetAddress.getByName("198.51.100.10");
        TeredoAddress a = TeredoAddress.ofClient(server, 0x123, 45623, (Inet4Address) InetAddress.getByName("198.51.100.2"));
        TeredoAddress b = TeredoAddress.ofClient(server, 0x456, 50000, (Inet4Address) InetAddress.getByName("203.0.113.7"));
        ByteBuf bubble = Unpooled.buffer();
        TeredoDatagram.writeBubble(bubble, a.toBytes(), b.toBytes(), 255);
        TeredoServer.Answer out = s.handle(bubble, CLIENT, false, 0);
        assertNotNull(out);
        assertFalse(out.fromSecondary());
        assertEquals(new InetSocketAddress("203.0.113.7", 50000), out.to());
        TeredoDatagram d = new TeredoDatagram();
        assertEquals(TeredoDatagram.Status.OK, d.parse(Unpooled.wrappedBuffer(out.payload())));
        assertEquals(45623, d.originPort(), "the receiver learns where the sender's NAT maps it");
        assertTrue(d.isBubble(Unpooled.wrappedBuffer(out.payload())));
        assertEquals(0, d.trailersLength());

        // docs/teredo.md H3: a bubble's Alternate Address trailer goes on with it
        ByteBuf withTrailer = Unpooled.buffer();
        TeredoDatagram.writeBubble(withTrailer, a.toBytes(), b.toBytes(), 255);
        TeredoDatagram.writeAlternateAddress(withTrailer, 0x0A4D0002, 45623);
        TeredoServer.Answer passed = s.handle(withTrailer, CLIENT, false, 0);
        assertNotNull(passed);
        ByteBuf relayed = Unpooled.wrappedBuffer(passed.payload());
        assertEquals(TeredoDatagram.Status.OK, d.parse(relayed));
        assertTrue(d.isBubble(relayed));
        long[] alternates = new long[4];
        assertEquals(1, d.alternateAddresses(relayed, alternates));
        assertEquals(0x0A4D0002L << 16 | 45623, alternates[0]);

        ByteBuf forged = Unpooled.buffer();
        TeredoDatagram.writeBubble(forged, a.toBytes(), b.toBytes(), 255);
        assertNull(s.handle(forged, new InetSocketAddress("198.51.100.66", 45623), false, 0), "A's address from another host");
        assertEquals(1L, s.drops().get(TeredoServer.Drop.SPOOFED_SOURCE));

        // a relay's indirect bubble (5.3.1 (6)): native source, for one of our clients; the origin is the relay's
        ByteBuf fromRelay = Unpooled.buffer();
        TeredoDatagram.writeBubble(fromRelay, InetAddress.getByName("2001:db8:1::80").getAddress(), b.toBytes(), 255);
        TeredoServer.Answer viaServer = s.handle(fromRelay, new InetSocketAddress("198.51.100.1", 40000), false, 0);
        assertNotNull(viaServer);
        assertEquals(new InetSocketAddress("203.0.113.7", 50000), viaServer.to());
        TeredoDatagram r = new TeredoDatagram();
        assertEquals(TeredoDatagram.Status.OK, r.parse(Unpooled.wrappedBuffer(viaServer.payload())));
        assertEquals(40000, r.originPort(), "the client learns where the relay is");

        TeredoAddress elsewhere = TeredoAddress.ofClient((Inet4Address) InetAddress.getByName("203.0.113.1"), 0, 1, b.mappedAddress());
        ByteBuf foreign = Unpooled.buffer();
        TeredoDatagram.writeBubble(foreign, a.toBytes(), elsewhere.toBytes(), 255);
        assertNull(s.handle(foreign, CLIENT, false, 0), "not a client of this server: no open relay");
        assertEquals(1L, s.drops().get(TeredoServer.Drop.NOT_FOR_THIS_SERVER));
    }

    @Test
    void aClientsEchoRequestToANativeHostGoesToTheIpv6SideAndNothingElseDoes() throws Exception {
        TeredoServer s = server();
        TeredoAddress a = TeredoAddress.ofClient((Inet4Address) InetAddress.getByName("198.51.100.10"), 0x123, 45623,
                (Inet4Address) InetAddress.getByName("198.51.100.2"));
        byte[] nativeHost = InetAddress.getByName("2001:db8:1::80").getAddress();
        ByteBuf echo = Unpooled.buffer();
        org.ntmgate.packet.PacketBuilder.echoRequest(echo, a.toBytes(), nativeHost, 9, 1, Unpooled.buffer(16));
        byte[] sent = new byte[echo.readableBytes()];
        echo.getBytes(0, sent);
        TeredoServer.Answer out = s.handle(Unpooled.wrappedBuffer(sent), CLIENT, false, 0);
        assertNotNull(out);
        assertTrue(out.toIpv6());
        org.junit.jupiter.api.Assertions.assertArrayEquals(sent, out.payload(), "the IPv6 packet as the client sent it");
        assertEquals(1, s.count(TeredoServer.Count.TO_IPV6));

        ByteBuf udp = Unpooled.buffer();
        org.ntmgate.packet.PacketBuilder.udp(udp, a.toBytes(), nativeHost, 1000, 53, Unpooled.buffer(8));
        assertNull(s.handle(udp, CLIENT, false, 0), "a server is no relay: only echo requests go to the IPv6 side");
        assertEquals(1L, s.drops().get(TeredoServer.Drop.NOT_RELAYED));
    }

    @Test
    void aFloodFromOneSourceIsCutToItsRateWhileAnotherSourceIsServed() throws Exception {
        TeredoServer s = server();
        int answered = 0;
        for (int i = 0; i < 1000; i++) {
            answered += s.handle(rs(), CLIENT, false, 0) != null ? 1 : 0;
        }
        assertEquals(40, answered, "the burst, then nothing within the same millisecond");
        assertEquals(960L, s.drops().get(TeredoServer.Drop.RATE_LIMITED));
        assertNotNull(s.handle(rs(), new InetSocketAddress("203.0.113.50", 3000), false, 0), "another source is unaffected");
        assertNotNull(s.handle(rs(), CLIENT, false, 1000), "a second later the source is served again");
    }
}
