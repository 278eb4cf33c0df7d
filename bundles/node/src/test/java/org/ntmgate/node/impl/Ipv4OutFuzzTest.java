package org.ntmgate.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;


import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.InternetChecksum;
import org.ntmgate.wire.DatagramBatch;
/**
 * Coverage-guided fuzzing of the node's IPv4 service (protocol.md 11.6.5, Jazzer): any bytes from the TUN device, read
 * as IPv4 (from this host to the mapped pool address for half the inputs, the header checksum set right so the fuzzer gets
 * past it), are sent into the tunnel, answered on the device, or counted as a drop, never an exception. Corpus and
 * runs as in bundles/packet.
 */
class Ipv4OutFuzzTest {
    private final Ipv4Rig r = new Ipv4Rig();
    private long sentBefore;

    @FuzzTest(maxDuration = "20s")
    void anyIpv4FromTheDeviceIsSentAnsweredOrCounted(byte[] data) throws Exception {
        if (data.length < 20) {
            return;
        }
        ByteBuf b = Unpooled.wrappedBuffer(data);
        b.setByte(0, 0x40 | (data[0] & 0x0F));
        if ((data[1] & 1) == 0) { // half the inputs: from this host to the peer's pool address, so the translation runs
            b.setBytes(12, Ipv4Rig.SELF4);
            b.setBytes(16, r.peer4);
        }
        int ihl = (b.getUnsignedByte(0) & 0x0F) * 4;
        if (ihl >= 20 && ihl <= data.length) {
            b.setShort(10, 0);
            b.setShort(10, InternetChecksum.finish(InternetChecksum.sum(b, 0, ihl)));
        }
        long before = r.accounted();
        DatagramBatch batch = new DatagramBatch(r.udp, false);
        r.toTunnel.packet(b, batch);
        batch.flush();
        r.udp.runPendingTasks();
        int datagrams = 0;
        for (Object o; (o = r.udp.readOutbound()) != null; datagrams++) {
            io.netty.util.ReferenceCountUtil.release(o);
        }
        long answered = r.queue.written().size();
        assertTrue(r.accounted() + answered > before, "a packet is sent, answered or counted");
        assertEquals(r.counters.packets(NodeCounters.SENT) - sentBefore, datagrams, "each sent packet is a datagram");
        sentBefore = r.counters.packets(NodeCounters.SENT);
    }

}
