package org.ntmgate.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HexFormat;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

class InternetChecksumTest {

    private static ByteBuf hex(String s) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(s.replace(" ", "")));
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: the words 0001 f203 f4f5 f6f7 sum to 2ddf0, folded ddf2, checksum 220d.
        ByteBuf b = hex("0001 f203 f4f5 f6f7");
        assertEquals(0x2ddf0, InternetChecksum.sum(b, 0, 8));
        assertEquals(0xddf2, InternetChecksum.fold(0x2ddf0));
        assertEquals(0x220d, InternetChecksum.finish(InternetChecksum.sum(b, 0, 8)));
    }

    @Test
    void aKnownIpv4HeaderVerifies() {
        // A widely quoted sample header (192.168.0.1 -> 192.168.0.199, UDP) whose checksum is b861.
        ByteBuf h = hex("4500 0073 0000 4000 4011 b861 c0a8 0001 c0a8 00c7");
        assertTrue(InternetChecksum.verifies(InternetChecksum.sum(h, 0, 20)));
        h.setShort(10, 0);
        assertEquals(0xb861, InternetChecksum.finish(InternetChecksum.sum(h, 0, 20)));
    }

    @Test
    void rfc1624ExampleGivesZeroNotMinusZero() {
        // RFC 1624 section 4: HC = 0xDD2F, m 0x5555 -> m' 0x3285; recomputation and equation 3 both give 0x0000.
        assertEquals(0x0000, InternetChecksum.update(0xDD2F, 0x5555, 0x3285));
    }

    @Test
    void oddLengthsArePaddedWithZero() {
        assertEquals(0xAB00 + 0x0102, InternetChecksum.sum(hex("0102 ab"), 0, 3));
    }

    @Test
    void theEightByteLoopAgreesWithWordByWordSumming() {
        Random r = new Random(1);
        for (int round = 0; round < 2000; round++) {
            byte[] data = TestBytes.random(r, 1500);
            long slow = 0;
            for (int i = 0; i < data.length; i += 2) {
                slow += ((data[i] & 0xFF) << 8) | (i + 1 < data.length ? data[i + 1] & 0xFF : 0);
            }
            int offset = r.nextInt(7);
            ByteBuf b = Unpooled.buffer(offset + data.length).writerIndex(offset).writeBytes(data);
            assertEquals(InternetChecksum.fold(slow), InternetChecksum.fold(InternetChecksum.sum(b, offset, data.length)));
        }
    }

    @Test
    void incrementalUpdatesMatchRecomputationForRandomWordChanges() {
        Random r = new Random(2);
        for (int round = 0; round < 10_000; round++) {
            byte[] data = new byte[2 * (2 + r.nextInt(40))];
            r.nextBytes(data);
            ByteBuf b = Unpooled.wrappedBuffer(data);
            int checksum = InternetChecksum.finish(InternetChecksum.sum(b, 0, data.length));
            int at = 2 * r.nextInt(data.length / 2 - 1);
            long oldSum = InternetChecksum.sum(b, at, 4);
            b.setInt(at, r.nextInt());
            long newSum = InternetChecksum.sum(b, at, 4);
            int updated = InternetChecksum.update(checksum, oldSum, newSum);
            int recomputed = InternetChecksum.finish(InternetChecksum.sum(b, 0, data.length));
            // Both are valid encodings of the same one's complement value; equation 3 only yields 0xFFFF
            // when the data itself sums to zero, which random data practically never does.
            assertEquals(recomputed, updated, "round " + round);
        }
    }
}
