package org.ntmgate.tun;

import java.nio.ByteBuffer;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The C library calls TUN devices need, by JNA direct mapping (no per-call allocation; {@code size_t} and
 * {@code ssize_t} are {@code long} on the 64-bit Linux targets). A direct buffer is passed as its address plus its
 * position.
 */
final class LibC {
    static {
        Native.register("c");
    }

    static final int O_RDWR = 2;
    static final int O_CLOEXEC = 0x80000;
    /** Reads return EAGAIN instead of waiting: a busy reader reads without a poll call first (TunQueue.read). */
    static final int O_NONBLOCK = 0x800;
    static final int AF_INET = 2;
    static final int AF_INET6 = 10;
    static final int SOCK_DGRAM = 2;
    static final short POLLIN = 1;
    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;

    private LibC() {
    }

    static native int open(String path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native int ioctl(int fd, long request, byte[] arg) throws LastErrorException;

    /** An ioctl whose argument holds pointers of its own (struct rtentry's device name), so it lives in native memory. */
    static native int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    /** An ioctl whose argument is a value, not a pointer (TUNSETOFFLOAD). */
    static native int ioctl(int fd, long request, long arg) throws LastErrorException;

    static native long read(int fd, ByteBuffer buf, long count) throws LastErrorException;

    static native long write(int fd, ByteBuffer buf, long count) throws LastErrorException;

    static native int poll(Pointer fds, long nfds, int timeout) throws LastErrorException;

    static native int socket(int domain, int type, int protocol) throws LastErrorException;

    static native int if_nametoindex(String name);

    static native String strerror(int errno);

    /**
     * {@code read(2)} without an exception: -1 on failure, the error number then in {@link Native#getLastError()}.
     * An empty non-blocking queue answers EAGAIN to every read that finds nothing, which on a reader that keeps up
     * is most reads; a {@link LastErrorException} (with its stack trace) for each cost the data plane time and
     * garbage.
     */
    static final class Quiet {
        static {
            Native.register("c");
        }

        private Quiet() {
        }

        static native long read(int fd, ByteBuffer buf, long count);
    }
}
