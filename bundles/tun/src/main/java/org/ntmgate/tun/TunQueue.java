package org.ntmgate.tun;

import java.nio.ByteBuffer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * One queue of a TUN device: one file descriptor, read by one thread at a time; writes may come from several
 * threads. Packets are whole IP packets (no packet-information header). Reads and writes take direct buffers and
 * allocate nothing: the {@code pollfd} and, with offloads, the staging buffers are allocated once per queue.
 *
 * <p>On a device opened with offloads (protocol.md 15.7) the queue speaks the kernel's {@code virtio_net_hdr} for its
 * callers: {@link #read} still hands out one complete packet at a time (a TCP super-packet from the kernel is split
 * into its segments, a checksum the kernel left partial is completed), {@link #write} writes one packet now, and
 * {@link #offer} lets consecutive TCP segments (or equal UDP datagrams) of a flow be joined into one super-packet
 * until {@link #flush}.
 */
public final class TunQueue implements PacketQueue {
    private final int fd;
    private final Memory pollfd = new Memory(8);
    private volatile boolean closed;
    private final boolean offload;
    // read side, offloads only (the reader thread)
    private final ByteBuffer staged;
    private final TcpOffload.Segmenter segmenter;
    private volatile long superPacketsRead; // written by the reader thread only
    private volatile long unreadable;
    // write side, offloads only (under writeLock)
    private final Object writeLock = new Object();
    private final Coalescer coalescer;

    TunQueue(int fd, boolean offload) {
        this.fd = fd;
        this.offload = offload;
        pollfd.setInt(0, fd);
        pollfd.setShort(4, LibC.POLLIN);
        staged = offload ? ByteBuffer.allocateDirect(TcpOffload.HEADER + TcpOffload.MAX_PACKET) : null;
        segmenter = offload ? new TcpOffload.Segmenter() : null;
        coalescer = offload ? new Coalescer(this::writeRaw) : null;
    }

    /** Set at open: whether the kernel takes UDP super-packets on writes (15.7). */
    void joinUdp(boolean on) {
        synchronized (writeLock) {
            coalescer.joinUdp(on);
        }
    }

    /** Whether the device was opened with offloads (TCP super-packets, partial checksums). */
    public boolean offload() {
        return offload;
    }

    /** Super-packets the kernel handed over and this queue split (offloads only). */
    public long superPacketsRead() {
        return superPacketsRead;
    }

    /** Super-packets this queue wrote (offloads only), and the segments that went into them. */
    public long superPacketsWritten() {
        synchronized (writeLock) {
            return offload ? coalescer.superPackets() : 0;
        }
    }

    public long segmentsJoined() {
        synchronized (writeLock) {
            return offload ? coalescer.joined() : 0;
        }
    }

    /** What the offloads did, for a role's status line: super-packets read and written, segments joined. */
    public String offloadSummary() {
        if (!offload) {
            return "no offloads";
        }
        return "offloads: " + superPacketsRead + " super-packets read, " + superPacketsWritten() + " written (" + segmentsJoined()
                + " packets joined)" + (unreadable == 0 ? "" : ", " + unreadable + " unreadable");
    }

    /** Packets read that could not be handed out (a super-packet of a kind this queue does not split, bad offsets). */
    public long unreadable() {
        return unreadable;
    }

    /**
     * Reads one packet into {@code buf} from its position, waiting at most {@code timeoutMillis} (so that a reader
     * thread notices a close); returns its length and advances the position, or 0 when none came in time.
     *
     * @throws IllegalArgumentException if {@code buf} is not direct
     */
    public int read(ByteBuffer buf, int timeoutMillis) throws TunException {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("TUN reads need a direct buffer");
        }
        if (closed) {
            throw new TunException("the TUN queue is closed", 0);
        }
        if (offload) {
            if (segmenter.hasNext()) {
                return segmenter.next(buf);
            }
            staged.clear();
            int n = readWaiting(staged, timeoutMillis);
            return n == 0 ? 0 : unpack(n, buf);
        }
        return readWaiting(buf, timeoutMillis);
    }

    private int readWaiting(ByteBuffer buf, int timeoutMillis) throws TunException {
        // the descriptor is non-blocking: under load a packet is waiting and one read call gets it; only an empty
        // queue costs the poll that waits
        int n = readNow(buf);
        if (n != 0 || timeoutMillis == 0) {
            return n;
        }
        try {
            pollfd.setShort(6, (short) 0);
            if (LibC.poll(pollfd, 1, timeoutMillis) == 0) {
                return 0;
            }
        } catch (LastErrorException e) {
            if (e.getErrorCode() == LibC.EINTR) {
                return 0;
            }
            throw TunDevice.failure("waiting for the TUN device", e.getErrorCode());
        }
        return readNow(buf);
    }

    private int readNow(ByteBuffer buf) throws TunException {
        long n = LibC.Quiet.read(fd, buf, buf.remaining());
        if (n >= 0) {
            buf.position(buf.position() + (int) n);
            return (int) n;
        }
        int errno = Native.getLastError();
        if (errno == LibC.EINTR || errno == LibC.EAGAIN) {
            return 0; // nothing waiting (the usual case of an empty queue), or a signal: no exception for either
        }
        throw TunDevice.failure("reading from the TUN device", errno);
    }

    /**
     * 15.7: the packet behind the virtio header. A TCP super-packet starts being split into {@code buf}; a packet
     * whose checksum the kernel left partial gets it completed; anything else is copied as it is.
     */
    private int unpack(int n, ByteBuffer buf) {
        int end = n;
        int ip = TcpOffload.HEADER;
        if (n <= ip) {
            unreadable++;
            return 0;
        }
        int flags = staged.get(0) & 0xFF;
        int gso = staged.get(1) & 0xFF & ~TcpOffload.GSO_ECN;
        int csumStart = TcpOffload.u16Native(staged, 6);
        int csumOffset = TcpOffload.u16Native(staged, 8);
        if (gso == TcpOffload.GSO_TCPV6 || gso == TcpOffload.GSO_TCPV4) {
            if (segmenter.start(staged, ip, end, ip + csumStart, TcpOffload.u16Native(staged, 4))) {
                superPacketsRead++;
                return segmenter.next(buf);
            }
            unreadable++;
            return 0;
        }
        if (gso != TcpOffload.GSO_NONE
                || (flags & TcpOffload.F_NEEDS_CSUM) != 0 && !TcpOffload.completeChecksum(staged, ip, end, csumStart, csumOffset)) {
            unreadable++;
            return 0;
        }
        int length = end - ip;
        buf.put(buf.position(), staged, ip, length);
        buf.position(buf.position() + length);
        return length;
    }

    /**
     * Writes the packet between {@code buf}'s position and limit now (after any segments of its flow held by
     * {@link #offer}); returns the bytes written (the whole packet).
     */
    public int write(ByteBuffer buf) throws TunException {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("TUN writes need a direct buffer");
        }
        if (!offload) {
            return writeRaw(buf);
        }
        int length = buf.remaining();
        synchronized (writeLock) {
            coalescer.flush();
            coalescer.writeAlone(buf);
        }
        buf.position(buf.limit());
        return length;
    }

    /**
     * Takes the packet between {@code buf}'s position and limit (complete checksums) and writes it now or joined with
     * the next segments of its TCP flow (offloads only; without, the same as {@link #write}). The caller calls
     * {@link #flush} at the end of each batch it handles, so nothing waits longer than that.
     */
    public void offer(ByteBuffer buf) throws TunException {
        if (!offload) {
            write(buf);
            return;
        }
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("TUN writes need a direct buffer");
        }
        synchronized (writeLock) {
            coalescer.offer(buf);
        }
        buf.position(buf.limit());
    }

    /** Writes every packet {@link #offer} still holds. */
    public void flush() throws TunException {
        if (offload) {
            synchronized (writeLock) {
                coalescer.flush();
            }
        }
    }

    private int writeRaw(ByteBuffer buf) throws TunException {
        try {
            long n = LibC.write(fd, buf, buf.remaining());
            buf.position(buf.position() + (int) n);
            return (int) n;
        } catch (LastErrorException e) {
            throw TunDevice.failure("writing to the TUN device", e.getErrorCode());
        }
    }

    int fd() {
        return fd;
    }

    void close() {
        if (!closed) {
            closed = true;
            try {
                LibC.close(fd);
            } catch (LastErrorException e) {
                // closing is best effort: the descriptor is gone either way
            }
        }
    }
}
