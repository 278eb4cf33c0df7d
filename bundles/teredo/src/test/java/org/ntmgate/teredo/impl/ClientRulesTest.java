package org.ntmgate.teredo.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.teredo.impl.ClientRules.Advert;
import org.ntmgate.teredo.impl.ClientRules.NatType;

class ClientRulesTest {
    private static final InetSocketAddress MAPPED = new InetSocketAddress("198.51.100.2", 40001);
    private static final InetSocketAddress PRIMARY = new InetSocketAddress("198.51.100.10", 3544);

    private static Inet4Address v4(String s) throws Exception {
        return (Inet4Address) InetAddress.getByName(s);
    }

    /** Our server's answer to our solicitation (the server is tested against Miredo's client in the lab). */
    private static byte[] advertisementFor(byte[] rs, String server) throws Exception {
        TeredoServer s = new TeredoServer(v4(server), 20, 40);
        return s.handle(Unpooled.wrappedBuffer(rs), MAPPED, false, 0).payload();
    }

    private static Advert parse(byte[] datagram, long nonce, String server) throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(datagram);
        TeredoDatagram d = new TeredoDatagram();
        if (d.parse(b) != TeredoDatagram.Status.OK) {
            return null;
        }
        return ClientRules.advertisement(b, d, nonce, v4(server), PRIMARY);
    }

    @Test
    void theSolicitationIsWhatRfc4380AndRfc5991Describe() throws Exception {
        for (boolean cone : new boolean[] { false, true }) {
            byte[] rs = ClientRules.routerSolicitation(cone, 0x0102030405060708L);
            ByteBuf b = Unpooled.wrappedBuffer(rs);
            TeredoDatagram d = new TeredoDatagram();
            assertEquals(TeredoDatagram.Status.OK, d.parse(b));
            assertTrue(d.hasAuthentication());
            assertEquals(0, d.clientIdLength());
            assertEquals(0, d.authValueLength());
            assertEquals(0x0102030405060708L, d.nonce());
            IpPacket ip = new IpPacket();
            assertEquals(ParseStatus.OK, ip.parse(b.slice(d.ipv6Offset(), d.ipv6Length())));
            assertEquals(ParseStatus.OK, ip.verifyTransportChecksum());
            assertEquals(133, ip.icmpType());
            assertEquals(255, ip.hopLimit());
            byte[] src = new byte[16];
            ip.copySourceAddress(src, 0);
            assertEquals(cone ? "fe80:0:0:0:8000:5445:5245:444f" : "fe80:0:0:0:0:ffff:ffff:ffff", InetAddress.getByAddress(src).getHostAddress());
        }
    }

    @Test
    void theServersAdvertisementGivesMappingAndPrefixOnlyWithOurNonce() throws Exception {
        byte[] ra = advertisementFor(ClientRules.routerSolicitation(false, 77L), "198.51.100.10");
        Advert a = parse(ra, 77L, "198.51.100.10");
        assertNotNull(a);
        assertEquals(MAPPED, a.mapped());
        assertEquals(v4("198.51.100.10"), a.prefixServer());
        assertEquals(PRIMARY, a.from());
        assertNull(parse(ra, 78L, "198.51.100.10"), "another nonce: not the answer to our solicitation (RFC 5991)");
        assertNull(parse(ra, 77L, "198.51.100.20"), "a prefix that does not name our server");
        byte[] bad = ra.clone();
        bad[bad.length - 20] ^= 1; // inside the prefix option: the checksum no longer matches
        assertNull(parse(bad, 77L, "198.51.100.10"));
        for (int n = 0; n < ra.length; n += 7) {
            assertNull(parse(Arrays.copyOf(ra, n), 77L, "198.51.100.10"), "truncated at " + n);
        }
        // a bubble (no authentication) is no advertisement
        ByteBuf bubble = Unpooled.buffer();
        TeredoDatagram.writeBubble(bubble, new byte[16], new byte[16], 255);
        byte[] b = new byte[bubble.readableBytes()];
        bubble.getBytes(0, b);
        assertNull(parse(b, 77L, "198.51.100.10"));
    }

    @Test
    void theNatVerdictFollowsTheThreeAnswers() {
        InetSocketAddress local = new InetSocketAddress("10.77.0.2", 40001);
        InetSocketAddress other = new InetSocketAddress("198.51.100.2", 51234);
        assertEquals(NatType.SYMMETRIC, ClientRules.verdict(local, MAPPED, other, false));
        assertEquals(NatType.SYMMETRIC, ClientRules.verdict(local, MAPPED, other, true), "a cone answer does not hide another mapping");
        assertEquals(NatType.RESTRICTED, ClientRules.verdict(local, MAPPED, MAPPED, false));
        assertEquals(NatType.CONE, ClientRules.verdict(local, MAPPED, MAPPED, true));
        assertEquals(NatType.NONE, ClientRules.verdict(MAPPED, MAPPED, MAPPED, true));
        assertEquals(NatType.UNKNOWN, ClientRules.verdict(local, MAPPED, null, false), "a silent secondary address proves nothing");
        assertEquals(NatType.CONE, ClientRules.verdict(local, MAPPED, null, true));
    }

    @Test
    void theClientsAddressCarriesTheMappingObfuscatedAndOnlyTheRandomBits() throws Exception {
        TeredoAddress a = TeredoAddress.ofClient(v4("198.51.100.10"), -1, 40001, v4("198.51.100.2"));
        assertEquals(0, a.flags() & (TeredoAddress.CONE | 0x4000 | 0x0200 | 0x0100), "C, R, U and G are 0 (RFC 5991)");
        byte[] bytes = a.toBytes();
        assertArrayEquals(new byte[] { 0x20, 0x01, 0, 0, (byte) 198, 51, 100, 10 }, Arrays.copyOf(bytes, 8));
        assertEquals(a, TeredoAddress.parse(bytes));
    }
}
