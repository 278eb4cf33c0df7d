package org.ntmgate.wire;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;

/**
 * DATA datagrams to one endpoint, sealed back to back into one buffer and sent with one system call as a UDP GSO
 * "super-datagram" (protocol.md 15.7: {@code UDP_SEGMENT}; the kernel cuts it into the datagrams again, after the
 * NATs and links on its way that handle it whole). Every datagram of a batch has the length of the first, the last
 * may be shorter and ends the batch; a batch holds at most {@link #MAX_SEGMENTS} datagrams and 64 KB. Without Linux
 * UDP GSO (NIO, an older kernel) the same batch goes out as separate datagrams (with {@code sendmmsg} under epoll).
 * Used by one thread (a role's TUN reader); the sending itself happens on the socket's event loop.
 */
public final class DatagramBatch {
    /** The kernel's limit of datagrams in one GSO send (UDP_MAX_SEGMENTS). */
    public static final int MAX_SEGMENTS = 64;
    private static final int MAX_BYTES = 65_000;

    private final Channel channel;
    private final boolean gso;
    private ByteBuf buf;
    private InetSocketAddress to;
    private int segment;
    private int count;
    private long sends;
    private long datagrams;

    public DatagramBatch(UdpServer udp) {
        this(udp.channel(), udp.segmentation());
    }

    /** Batches for any datagram channel ({@code gso}: it takes segmented super-datagrams), e.g. an embedded one in a test. */
    public DatagramBatch(Channel channel, boolean gso) {
        this.channel = channel;
        this.gso = gso;
    }

    /**
     * The buffer to seal the next datagram of at most {@code maxLength} bytes into, for {@code destination}: the open
     * batch when it has room and goes there, else a new one (the open one is sent first). Call {@link #added} after.
     */
    public ByteBuf buffer(InetSocketAddress destination, int maxLength) {
        if (buf != null && (!destination.equals(to) || maxLength > segment || buf.writerIndex() + maxLength > MAX_BYTES)) {
            flush();
        }
        if (buf == null) {
            buf = PooledByteBufAllocator.DEFAULT.directBuffer(Math.max(MAX_BYTES, maxLength));
            to = destination;
            segment = Integer.MAX_VALUE;
        }
        return buf;
    }

    /** The datagram just sealed into {@link #buffer} has {@code length} bytes. */
    public void added(int length) {
        count++;
        if (segment == Integer.MAX_VALUE) {
            segment = length;
        } else if (length < segment) {
            flush(); // a shorter one is the last of its batch
            return;
        }
        if (count >= MAX_SEGMENTS) {
            flush();
        }
    }

    /** Whether datagrams are waiting for {@link #flush}. */
    public boolean pending() {
        return buf != null;
    }

    /** Sends what is batched. */
    public void flush() {
        ByteBuf b = buf;
        if (b == null) {
            return;
        }
        buf = null;
        int n = count;
        count = 0;
        sends++;
        datagrams += n;
        Channel c = channel;
        if (n == 1 || gso) {
            c.writeAndFlush(n == 1 ? new DatagramPacket(b, to) : UdpServer.NativeEpoll.segmented(b, segment, to), c.voidPromise());
            return;
        }
        List<DatagramPacket> parts = new ArrayList<>(n);
        for (int at = 0; at < b.writerIndex(); at += segment) {
            parts.add(new DatagramPacket(b.retainedSlice(at, Math.min(segment, b.writerIndex() - at)), to));
        }
        b.release();
        c.eventLoop().execute(() -> {
            for (DatagramPacket p : parts) {
                c.write(p, c.voidPromise());
            }
            c.flush();
        });
    }

    /** System calls asked for (sends) and datagrams in them, since the start: their ratio is the batching achieved. */
    public long sends() {
        return sends;
    }

    public long datagrams() {
        return datagrams;
    }
}
