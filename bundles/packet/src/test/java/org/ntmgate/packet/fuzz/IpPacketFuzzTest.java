package org.ntmgate.packet.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;

/**
 * Coverage-guided fuzzing of the packet parser and rewriter (Jazzer). Any bytes must give a status, never an
 * exception; a packet that parses must survive every accessor and a rewrite, and stay parseable after it.
 *
 * <p>Without JAZZER_FUZZ the test replays its committed corpus (src/test/resources/.../IpPacketFuzzTestInputs)
 * as a regression test; the build's fuzz execution sets JAZZER_FUZZ=1 for a bounded run (see the pom), and
 * docs/benchmarks.md gives the command for a long run.
 */
class IpPacketFuzzTest {
    private static final byte[] V4 = { (byte) 192, 0, 2, 1 };
    private static final byte[] V6 = { 0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

    @FuzzTest(maxDuration = "30s")
    void parseAndRewriteAnyBytes(byte[] data) {
        IpPacket p = new IpPacket();
        ByteBuf buf = Unpooled.wrappedBuffer(data);
        ParseStatus status = p.parse(buf);
        if (status != ParseStatus.OK) {
            return;
        }
        assertTrue(p.transportOffset() + p.transportLength() <= data.length, "the transport lies inside the packet");
        assertTrue(p.length() <= data.length);
        ParseStatus checksum = p.verifyTransportChecksum();
        p.sourcePort();
        p.destinationPort();
        p.icmpType();
        p.rewriteSource(p.version() == 4 ? V4 : V6);
        p.rewriteDestination(p.version() == 4 ? V4 : V6);
        assertEquals(ParseStatus.OK, p.parse(buf), "a rewritten packet still parses");
        assertEquals(checksum, p.verifyTransportChecksum(), "a rewrite keeps the checksum as right or wrong as it was");
    }
}
