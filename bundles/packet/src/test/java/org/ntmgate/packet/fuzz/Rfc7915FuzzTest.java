package org.ntmgate.packet.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.InternetChecksum;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.packet.Rfc7915;

/**
 * Coverage-guided fuzzing of the IPv4 -> IPv6 -> IPv4 translation (protocol.md 11.6, Jazzer): any bytes, read as an
 * IPv4 packet (its header checksum set right, so the fuzzer gets past it), give a translation that parses or -1,
 * never an exception; a translated packet translates back; TCP, UDP and echo come back with the transport bytes they
 * had. Corpus and runs as {@link IpPacketFuzzTest}.
 */
class Rfc7915FuzzTest {
    /** Every IPv4 address <-> its IPv4-mapped IPv6 address (::ffff:a.b.c.d); nothing else. */
    private static final Rfc7915.AddressMap MAPPED = new Rfc7915.AddressMap() {
        @Override
        public boolean toIpv6(ByteBuf buf, int at, byte[] v6) {
            Rfc7915.mapped(buf, at, v6);
            return true;
        }

        @Override
        public boolean toIpv4(ByteBuf buf, int at, byte[] v4) {
            if (!Rfc7915.isMapped(buf, at)) {
                return false;
            }
            buf.getBytes(at + 12, v4, 0, 4);
            return true;
        }
    };

    @FuzzTest(maxDuration = "30s")
    void ipv4ToIpv6AndBack(byte[] data) {
        ByteBuf in = Unpooled.wrappedBuffer(data);
        if (data.length >= 20 && (data[0] & 0xF0) == 0x40) {
            int ihl = (data[0] & 0x0F) * 4;
            if (ihl >= 20 && ihl <= data.length) {
                in.setShort(10, 0);
                in.setShort(10, InternetChecksum.finish(InternetChecksum.sum(in, 0, ihl)));
            }
        }
        IpPacket four = new IpPacket();
        if (four.parse(in) != ParseStatus.OK) {
            return;
        }
        Rfc7915 t = new Rfc7915(MAPPED);
        ByteBuf six = Unpooled.buffer();
        int n = t.toIpv6(four, six);
        if (n < 0) {
            assertEquals(0, six.writerIndex(), "nothing written when refused");
            return;
        }
        IpPacket p6 = new IpPacket();
        assertEquals(ParseStatus.OK, p6.parse(six), "a translation parses");
        assertEquals(n, six.readableBytes());
        ByteBuf back = Unpooled.buffer();
        int m = t.toIpv4(p6, back);
        boolean icmpError = four.protocol() == IpProtocol.ICMP && four.icmpType() != 0 && four.icmpType() != 8;
        if (!icmpError) {
            assertTrue(m > 0, "what translated to IPv6 translates back");
        }
        if (m > 0) {
            IpPacket p4 = new IpPacket();
            assertEquals(ParseStatus.OK, p4.parse(back), "the way back parses");
            if (!icmpError) {
                int proto = four.protocol();
                int field = proto == IpProtocol.TCP ? 16 : proto == IpProtocol.UDP ? 6 : proto == IpProtocol.ICMP ? 2 : -1;
                if (field >= 0 && four.fragmentOffset() == 0 && four.transportLength() >= field + 2) {
                    if (proto == IpProtocol.UDP && in.getUnsignedShort(four.transportOffset() + 6) == 0) {
                        assertEquals(ParseStatus.OK, p4.verifyTransportChecksum(), "4.5: a UDP checksum of 0 comes back computed");
                    } else if (in.getUnsignedShort(four.transportOffset() + field) % 0xFFFF != 0) {
                        // a checksum stays as right or wrong as it was; but for 0x0000 and 0xFFFF, the one's
                        // complement zeros an incremental update cannot tell apart (RFC 1624 3)
                        assertEquals(four.verifyTransportChecksum(), p4.verifyTransportChecksum(), "the checksum");
                    }
                    in.setShort(four.transportOffset() + field, 0);
                    back.setShort(p4.transportOffset() + field, 0);
                }
                assertEquals(ByteBufUtil.hexDump(in, four.transportOffset(), four.transportLength()),
                        ByteBufUtil.hexDump(back, p4.transportOffset(), p4.transportLength()), "the transport comes back as it was");
            }
        }
    }
}
