package org.ntmgate.benchmarks;

import java.nio.ByteBuffer;

import org.ntmgate.tun.Offloads;
import org.ntmgate.tun.TunException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;

/**
 * The Java side of the TUN offloads (protocol.md 15.7) on a 64 KB TCP super-packet of 46 segments of 1,400 bytes:
 * splitting it (the node's and the RS-N's reads), joining the 46 segments again (the RS-N's and the node's writes,
 * each segment's checksum checked), and the Internet checksum over one segment, with four running sums (what
 * the tun bundle's {@link Offloads#checksum} does) and with one (its first version, kept here as the reference),
 * through the tun bundle's exported {@link Offloads}.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar OffloadBenchmark -prof gc}
 */
public class OffloadBenchmark extends NanosecondBenchmark {
    private static final int SEGMENTS = 46;
    private static final int MSS = 1400;
    private static final int HEADERS = 40 + 32;
    private final ByteBuffer superPacket = ByteBuffer.allocateDirect(Offloads.MAX_PACKET);
    private final ByteBuffer out = ByteBuffer.allocateDirect(Offloads.MAX_PACKET);
    private final ByteBuffer[] segments = new ByteBuffer[SEGMENTS];
    private final Offloads.Splitter segmenter = new Offloads.Splitter();
    private Offloads.Joiner coalescer;
    private long written;

    @Setup(Level.Trial)
    public void setUp() {
        int length = HEADERS + SEGMENTS * MSS;
        superPacket.putInt(0, 0x6000_0000).putShort(4, (short) (length - 40)).put(6, (byte) 6).put(7, (byte) 64);
        for (int i = 8; i < 40; i++) {
            superPacket.put(i, (byte) (0x20 + i));
        }
        superPacket.putShort(40, (short) 40000).putShort(42, (short) 5201).putInt(44, 12345).putInt(48, 777)
                .put(52, (byte) ((32 / 4) << 4)).put(53, (byte) Offloads.ACK).putShort(54, (short) 500);
        superPacket.put(60, (byte) 1).put(61, (byte) 1).put(62, (byte) 8).put(63, (byte) 10); // NOP NOP timestamps
        for (int i = HEADERS; i < length; i++) {
            superPacket.put(i, (byte) (i * 31));
        }
        segmenter.start(superPacket, 0, length, 40, MSS);
        for (int i = 0; i < SEGMENTS; i++) {
            segments[i] = ByteBuffer.allocateDirect(HEADERS + MSS);
            segmenter.next(segments[i]);
            segments[i].flip();
        }
        coalescer = new Offloads.Joiner(b -> written += b.remaining());
    }

    @Benchmark
    public int split() {
        segmenter.start(superPacket, 0, HEADERS + SEGMENTS * MSS, 40, MSS);
        int n = 0;
        while (segmenter.hasNext()) {
            out.clear();
            n += segmenter.next(out);
        }
        return n;
    }

    @Benchmark
    public long join() throws TunException {
        for (ByteBuffer s : segments) {
            coalescer.offer(s); // offer reads the segment and leaves its position alone
        }
        coalescer.flush();
        return written;
    }

    @Benchmark
    public int checksumFourSums() {
        return Offloads.checksum(superPacket, 40, 40 + 32 + MSS);
    }

    @Benchmark
    public int checksumOneSum() {
        ByteBuffer b = superPacket;
        int i = 40;
        int to = 40 + 32 + MSS;
        long acc = 0;
        while (to - i >= 8) {
            long v = b.getLong(i);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
            i += 8;
        }
        return Offloads.fold(acc);
    }
}
