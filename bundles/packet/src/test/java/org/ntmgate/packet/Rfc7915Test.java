package org.ntmgate.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.ntmgate.packet.IpPacketTest.V4_A;
import static org.ntmgate.packet.IpPacketTest.V4_B;
import static org.ntmgate.packet.IpPacketTest.V6_A;
import static org.ntmgate.packet.IpPacketTest.V6_B;
import static org.ntmgate.packet.IpPacketTest.payload;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class Rfc7915Test {
    private final IpPacket p = new IpPacket();

    private IpPacket parsed(ByteBuf b) {
        IpPacket q = new IpPacket();
        assertEquals(ParseStatus.OK, q.parse(b));
        return q;
    }

    private static String transport(IpPacket q) {
        return ByteBufUtil.hexDump(q.buffer(), q.transportOffset(), q.transportLength());
    }

    @Test
    void udpAndTcpCrossBothWaysWithChecksumsRightAndPayloadIntact() {
        for (int kind = 0; kind < 2; kind++) {
            ByteBuf v4 = Unpooled.buffer();
            if (kind == 0) {
                PacketBuilder.udp(v4, V4_A, V4_B, 5353, 53, payload(300));
            } else {
                PacketBuilder.tcp(v4, V4_A, V4_B, 40000, 80, 12345, 678, 0x18, payload(300));
            }
            IpPacket in = parsed(v4);
            String original = transport(in);
            ByteBuf v6 = Unpooled.buffer();
            assertEquals(40 + in.transportLength(), Rfc7915.toIpv6(in, V6_A, V6_B, v6));
            IpPacket six = parsed(v6);
            assertEquals(in.protocol(), six.protocol());
            assertEquals(ParseStatus.OK, six.verifyTransportChecksum());
            assertEquals(64, six.hopLimit());
            assertEquals(in.sourcePort(), six.sourcePort());

            ByteBuf back = Unpooled.buffer();
            assertEquals(20 + in.transportLength(), Rfc7915.toIpv4(six, V4_A, V4_B, back));
            IpPacket four = parsed(back);
            assertEquals(ParseStatus.OK, four.verifyTransportChecksum());
            assertEquals(original, transport(four), "the round trip gives the same transport bytes");
            assertEquals(0x4000, back.getUnsignedShort(6), "DF set on an unfragmented packet");
        }
    }

    @Test
    void echoBecomesIcmpv6EchoAndBack() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.echoRequest(v4, V4_A, V4_B, 7, 1, payload(56));
        ByteBuf v6 = Unpooled.buffer();
        Rfc7915.toIpv6(parsed(v4), V6_A, V6_B, v6);
        IpPacket six = parsed(v6);
        assertEquals(IpProtocol.ICMPV6, six.protocol());
        assertEquals(128, six.icmpType());
        assertEquals(ParseStatus.OK, six.verifyTransportChecksum());
        ByteBuf back = Unpooled.buffer();
        Rfc7915.toIpv4(six, V4_A, V4_B, back);
        IpPacket four = parsed(back);
        assertEquals(8, four.icmpType());
        assertEquals(ParseStatus.OK, four.verifyTransportChecksum());
        assertEquals(transport(parsed(v4)), transport(four));
    }

    @Test
    void ipv4UdpWithoutChecksumGetsOneInIpv6() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(20));
        v4.setShort(20 + 6, 0);
        ByteBuf v6 = Unpooled.buffer();
        Rfc7915.toIpv6(parsed(v4), V6_A, V6_B, v6);
        IpPacket six = parsed(v6);
        assertTrue(v6.getUnsignedShort(40 + 6) != 0);
        assertEquals(ParseStatus.OK, six.verifyTransportChecksum());
    }

    @Test
    void fragmentsKeepIdentificationOffsetAndFlag() {
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(64));
        v4.setShort(4, 0xBEEF);
        v4.setShort(6, 0x2000 | 0); // first fragment, more to come
        v4.setShort(10, 0);
        v4.setShort(10, InternetChecksum.finish(InternetChecksum.sum(v4, 0, 20)));
        IpPacket in = parsed(v4);
        assertTrue(in.isFragment());
        ByteBuf v6 = Unpooled.buffer();
        assertEquals(48 + in.transportLength(), Rfc7915.toIpv6(in, V6_A, V6_B, v6));
        IpPacket six = parsed(v6);
        assertEquals(IpProtocol.UDP, six.protocol());
        assertTrue(six.isFragment() && six.moreFragments());
        assertEquals(0xBEEF, six.fragmentIdentification());
        ByteBuf back = Unpooled.buffer();
        Rfc7915.toIpv4(six, V4_A, V4_B, back);
        IpPacket four = parsed(back);
        assertEquals(0xBEEF, four.fragmentIdentification());
        assertTrue(four.moreFragments());
    }

    @Test
    void errorsAndForeignFamiliesAreNotTranslated() {
        ByteBuf big = Unpooled.buffer();
        PacketBuilder.udp(big, V6_A, V6_B, 1, 2, payload(1400));
        ByteBuf ptb = Unpooled.buffer();
        PacketBuilder.packetTooBig(ptb, V6_B, parsed(big), 1400);
        assertEquals(-1, Rfc7915.toIpv4(parsed(ptb), V4_A, V4_B, Unpooled.buffer()));
        ByteBuf v4 = Unpooled.buffer();
        PacketBuilder.udp(v4, V4_A, V4_B, 1, 2, payload(4));
        assertEquals(-1, Rfc7915.toIpv4(parsed(v4), V4_A, V4_B, Unpooled.buffer()));
    }
}
