package org.ntmgate.benchmarks;

import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunQueue;

/**
 * The TUN read/write path (a benchmark, not a test; run by benchmarks/tun.sh inside a namespace of its own, as root):
 * one thread writes an ICMPv6 echo request into a TUN device and reads the kernel's reply back, again and again;
 * it reports round trips per second (two packets, three system calls each: write, poll, read) and the bytes the
 * thread allocated per round trip after the warm-up. Then reads of the empty queue: their rate and allocation.
 */
public final class TunLoad {
    private TunLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.echoRequest(b, InetAddress.getByName("2001:db8:7::2").getAddress(), InetAddress.getByName("2001:db8:7::1").getAddress(),
                1, 1, Unpooled.wrappedBuffer(new byte[56]));
        byte[] request = ByteBufUtil.getBytes(b);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (TunDevice tun = TunDevice.open("ntmbench0", 1)) {
            tun.addAddress(InetAddress.getByName("2001:db8:7::1"), 64);
            tun.up(1500);
            TunQueue q = tun.queue(0);
            ByteBuffer out = ByteBuffer.allocateDirect(2048);
            ByteBuffer in = ByteBuffer.allocateDirect(2048);
            roundTrips(q, out, in, request, 2_000_000_000L); // warm-up
            long id = Thread.currentThread().getId();
            long before = threads.getThreadAllocatedBytes(id);
            long start = System.nanoTime();
            long n = roundTrips(q, out, in, request, seconds * 1_000_000_000L);
            long elapsed = System.nanoTime() - start;
            long allocated = threads.getThreadAllocatedBytes(id) - before;
            System.out.printf("TUN echo round trips: %d in %d s = %.0f/s (%.0f packets/s through the device), %.2f bytes allocated per round trip%n",
                    n, seconds, n / (elapsed / 1e9), 2 * n / (elapsed / 1e9), allocated / (double) n);

            // reads of an empty queue (what a reader that keeps up mostly does between packets): EAGAIN each time
            emptyReads(q, in, 2_000_000_000L); // warm-up
            before = threads.getThreadAllocatedBytes(id);
            start = System.nanoTime();
            long[] r = emptyReads(q, in, seconds * 1_000_000_000L);
            elapsed = System.nanoTime() - start;
            allocated = threads.getThreadAllocatedBytes(id) - before;
            System.out.printf("TUN reads of an empty queue: %d in %d s = %.0f/s (%.0f ns each), %.2f bytes allocated per read (%d packets the kernel "
                    + "sent on its own were read meanwhile)%n", r[0], seconds, r[0] / (elapsed / 1e9), elapsed / (double) r[0], allocated / (double) r[0], r[1]);
        }
    }

    /** Reads that wait for nothing, on a queue nothing is written to; returns {empty reads, packets read}. */
    private static long[] emptyReads(TunQueue q, ByteBuffer in, long nanos) throws Exception {
        long end = System.nanoTime() + nanos;
        long empty = 0;
        long packets = 0;
        while (System.nanoTime() < end) {
            in.clear();
            if (q.read(in, 0) == 0) {
                empty++;
            } else {
                packets++;
            }
        }
        return new long[] { empty, packets };
    }

    /** Write the request, read until its reply (other packets the kernel sends are skipped); returns round trips. */
    private static long roundTrips(TunQueue q, ByteBuffer out, ByteBuffer in, byte[] request, long nanos) throws Exception {
        long end = System.nanoTime() + nanos;
        long n = 0;
        out.clear();
        out.put(request);
        while (System.nanoTime() < end) {
            out.flip();
            q.write(out);
            out.limit(out.capacity());
            out.position(request.length);
            while (true) {
                in.clear();
                if (q.read(in, 1000) > 0 && (in.get(0) >> 4 & 0xF) == 6 && in.get(6) == 58 && (in.get(40) & 0xFF) == 129) {
                    break;
                }
            }
            n++;
        }
        return n;
    }
}
