package org.ntmgate.node.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.ParseStatus;

class LanTranslatorTest {
    private static byte[] a(String s) throws Exception {
        return InetAddress.getByName(s).getAddress();
    }

    @Test
    void twoLanHostsWithTheSamePortLeaveOnDifferentPortsOfTheNodeAndRepliesFindTheirWayBack() throws Exception {
        byte[] self = a("fd4e:746d:0:1::5");
        byte[] peer = a("fd4e:746d:0:2::1");
        LanTranslator t = new LanTranslator(Prefix.parse("fd00:4c41:4e::/64"), self, 61000, 61999);
        IpPacket ip = new IpPacket();
        int[] outside = new int[2];
        String[] hosts = { "fd00:4c41:4e::2", "fd00:4c41:4e::3" };
        for (int i = 0; i < 2; i++) {
            ByteBuf tcp = Unpooled.buffer();
            PacketBuilder.tcp(tcp, a(hosts[i]), peer, 40000, 80, 1, 0, 0x02, Unpooled.buffer(0));
            assertEquals(ParseStatus.OK, ip.parse(tcp));
            assertTrue(t.fromLan(ip));
            assertTrue(t.outbound(ip, 0));
            byte[] src = new byte[16];
            ip.copySourceAddress(src, 0);
            assertArrayEquals(self, src, "leaves with the node's virtual address");
            assertEquals(ParseStatus.OK, ip.verifyTransportChecksum());
            outside[i] = ip.sourcePort();
        }
        assertNotEquals(outside[0], outside[1], "the same inside port of two hosts gets two outside ports");
        assertEquals(2, t.mappings());

        ByteBuf reply = Unpooled.buffer();
        PacketBuilder.tcp(reply, peer, self, 80, outside[1], 1, 2, 0x12, Unpooled.buffer(0));
        ip.parse(reply);
        assertTrue(t.inbound(ip, 1));
        byte[] dst = new byte[16];
        ip.copyDestinationAddress(dst, 0);
        assertArrayEquals(a(hosts[1]), dst);
        assertEquals(40000, ip.destinationPort());
        assertEquals(ParseStatus.OK, ip.verifyTransportChecksum());

        ByteBuf own = Unpooled.buffer();
        PacketBuilder.tcp(own, peer, self, 80, 45000, 1, 2, 0x12, Unpooled.buffer(0));
        ip.parse(own);
        assertFalse(t.inbound(ip, 1), "a port outside the range is the node host's own flow");

        ByteBuf ping = Unpooled.buffer();
        PacketBuilder.echoRequest(ping, a(hosts[0]), peer, 77, 1, Unpooled.buffer(8));
        ip.parse(ping);
        assertTrue(t.outbound(ip, 2));
        assertEquals(ParseStatus.OK, ip.verifyTransportChecksum());

        t.expire(LanTranslator.IDLE_MILLIS + 10);
        assertEquals(0, t.mappings(), "idle mappings are forgotten");
        ByteBuf late = Unpooled.buffer();
        PacketBuilder.tcp(late, peer, self, 80, outside[1], 1, 2, 0x10, Unpooled.buffer(0));
        ip.parse(late);
        assertFalse(t.inbound(ip, LanTranslator.IDLE_MILLIS + 20));
    }

    @Test
    void aSourceOutsideTheLanIsNotTranslated() throws Exception {
        LanTranslator t = new LanTranslator(Prefix.parse("fd00:4c41:4e::/64"), a("fd4e:746d:0:1::5"), 61000, 61999);
        IpPacket ip = new IpPacket();
        ByteBuf udp = Unpooled.buffer();
        PacketBuilder.udp(udp, a("fd00:4c41:4f::2"), a("fd4e:746d:0:2::1"), 5000, 53, Unpooled.buffer(4));
        ip.parse(udp);
        assertFalse(t.fromLan(ip));
    }
}
