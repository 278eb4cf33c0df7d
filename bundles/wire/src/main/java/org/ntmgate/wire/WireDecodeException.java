package org.ntmgate.wire;

/** The one exception a decoder throws: why the bytes are not an acceptable message (protocol.md 10.1, 10.2). */
public class WireDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why; a receiver counts drops by these. */
    public enum Reason {
        TRUNCATED, BAD_VERSION, BAD_LENGTH, UNKNOWN_TYPE, UNKNOWN_KEY, BAD_MAC, REPLAY, BAD_TLV, MISSING_TLV,
        DUPLICATE_TLV, UNKNOWN_CRITICAL_TLV, UNKNOWN_PATH, BAD_TAG
    }

    private final Reason reason;

    public WireDecodeException(Reason reason, String message) {
        super(message, null, false, false); // no stack trace: thrown for every bad datagram an attacker sends
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
