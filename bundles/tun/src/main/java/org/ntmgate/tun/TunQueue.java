package org.ntmgate.tun;

import java.nio.ByteBuffer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;

/**
 * One queue of a TUN device: one file descriptor, read and written by one thread at a time. Packets are whole IP
 * packets (no packet-information header). Reads and writes take direct buffers and allocate nothing: the
 * {@code pollfd} is allocated once per queue.
 */
public final class TunQueue {
    private final int fd;
    private final Memory pollfd = new Memory(8);
    private volatile boolean closed;

    TunQueue(int fd) {
        this.fd = fd;
        pollfd.setInt(0, fd);
        pollfd.setShort(4, LibC.POLLIN);
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

    /** Writes the packet between {@code buf}'s position and limit; returns the bytes written (the whole packet). */
    public int write(ByteBuffer buf) throws TunException {
        if (!buf.isDirect()) {
            throw new IllegalArgumentException("TUN writes need a direct buffer");
        }
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
