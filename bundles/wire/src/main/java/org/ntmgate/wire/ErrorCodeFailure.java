package org.ntmgate.wire;

/**
 * A request that failed with one of the protocol's error codes ({@link ErrorCode}, protocol.md 9.1): what the
 * requester is told (a DC's ERROR answer) or was told (a node's failed direction); code 0 where no answer came.
 * Unchecked, so that it crosses the futures and lambdas a request's steps run in.
 */
public final class ErrorCodeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int code;

    public ErrorCodeFailure(int code, String text) {
        super(text, null, false, false);
        this.code = code;
    }

    /** The ERROR_CODE, or 0 where nothing answered. */
    public int code() {
        return code;
    }
}
