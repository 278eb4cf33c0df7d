package org.ntmgate.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
/**
 * Coverage-guided fuzzing of the node's IPv4 service (protocol.md 11.6.5, Jazzer): any IPv6 bytes from the peer to the
 * node (for half the inputs to an IPv4 host's address) go through the flow translation and are translated to an IPv4
 * packet that parses, or counted as a drop, never an exception. Corpus and runs as in bundles/packet.
 */
class Ipv4InFuzzTest {
    private final Ipv4Rig r = new Ipv4Rig();

    @FuzzTest(maxDuration = "20s")
    void anyIpv6FromThePeerTranslatesToIpv4OrIsCounted(byte[] data) {
        if (data.length < 40) {
            return;
        }
        ByteBuf b = Unpooled.wrappedBuffer(data);
        b.setByte(0, 0x60 | (data[0] & 0x0F));
        b.setBytes(8, Ipv4Rig.PEER);
        b.setBytes(24, (data[1] & 1) == 0 ? Ipv4Rig.ipv4Mapped(Ipv4Rig.SELF4) : Ipv4Rig.SELF);
        IpPacket ip = new IpPacket();
        if (ip.parse(b) != ParseStatus.OK) {
            return;
        }
        r.flows.inbound(ip, System.currentTimeMillis());
        Ipv4Service.In in = r.service.new In();
        if (!in.forIpv4(ip)) {
            return;
        }
        long drops = r.drops();
        ByteBuffer out = in.toIpv4(ip, 1400, r.counters);
        if (out == null) {
            assertEquals(drops + 1, r.drops(), "a packet not translated is counted");
            return;
        }
        byte[] four = new byte[out.remaining()];
        out.get(four);
        IpPacket p4 = new IpPacket();
        assertEquals(ParseStatus.OK, p4.parse(Unpooled.wrappedBuffer(four)), "the translation parses");
        assertEquals(4, p4.version());
    }

}
