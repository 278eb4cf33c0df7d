package org.ntmgate.tun;

import java.nio.ByteBuffer;

/**
 * The Java side of the TUN offloads (protocol.md 15.7) outside a device, for benchmarks and tools: splitting a TCP
 * super-packet into segments as a read does, joining a flow's segments into super-packets as a write does, and the
 * Internet checksum they use. The same code as a {@link TunQueue} with offloads runs.
 */
public final class Offloads {
    /** The largest super-packet: an IPv6 header and 65,535 bytes of payload. */
    public static final int MAX_PACKET = TcpOffload.MAX_PACKET;
    /** The TCP ACK flag. */
    public static final int ACK = TcpOffload.ACK;

    private Offloads() {
    }

    /** Splits super-packets into segments of the sender's MSS, each with its headers and checksum. */
    public static final class Splitter {
        private final TcpOffload.Segmenter segmenter = new TcpOffload.Segmenter();

        /**
         * Starts on the packet at {@code ip} (its IPv6 header) to {@code end} in {@code src}, TCP header at {@code l4};
         * false when it is not a TCP super-packet this splits.
         */
        public boolean start(ByteBuffer src, int ip, int end, int l4, int mss) {
            return segmenter.start(src, ip, end, l4, mss);
        }

        public boolean hasNext() {
            return segmenter.hasNext();
        }

        /** The next segment into {@code dst} at its position; returns its length. */
        public int next(ByteBuffer dst) {
            return segmenter.next(dst);
        }
    }

    /** Joins a flow's segments (in order, same options) into super-packets handed to a sink. */
    public static final class Joiner {
        private final Coalescer coalescer;

        /** @param sink told each finished packet (a virtio header and the packet between position and limit) */
        public Joiner(java.util.function.Consumer<ByteBuffer> sink) {
            this.coalescer = new Coalescer(sink::accept);
        }

        /** Offers one packet; its position is left alone. */
        public void offer(ByteBuffer packet) throws TunException {
            coalescer.offer(packet);
        }

        /** Writes what is held. */
        public void flush() throws TunException {
            coalescer.flush();
        }
    }

    /** The Internet checksum (RFC 1071) of {@code b} from {@code from} to {@code to}, folded to 16 bits, not inverted. */
    public static int checksum(ByteBuffer b, int from, int to) {
        return TcpOffload.fold(TcpOffload.sum(b, from, to, 0));
    }

    /** A running 64-bit sum folded to 16 bits. */
    public static int fold(long sum) {
        return TcpOffload.fold(sum);
    }
}
