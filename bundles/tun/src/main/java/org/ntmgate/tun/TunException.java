package org.ntmgate.tun;

import java.io.IOException;

/** A TUN operation that failed, saying what to do about it; {@link #errno()} is the system's error number. */
public final class TunException extends IOException {
    private static final long serialVersionUID = 1L;
    private final int errno;

    public TunException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
