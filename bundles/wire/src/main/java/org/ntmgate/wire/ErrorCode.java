package org.ntmgate.wire;

/** ERROR_CODE values (protocol.md 9.1). */
public final class ErrorCode {
    private ErrorCode() {
    }

    public static final int BAD_MESSAGE = 1;
    public static final int UNSUPPORTED_VERSION = 2;
    public static final int UNSUPPORTED_TLV = 3;
    public static final int AUTH_FAILED = 4;
    public static final int RATE_LIMITED = 5;
    public static final int TICKET_INVALID = 6;
    public static final int NOT_REGISTERED = 7;
    public static final int NO_SUCH_NAME = 8;
    public static final int NO_USABLE_FAMILY = 9;
    public static final int POOL_EXHAUSTED = 10;
    public static final int NO_RELAY_ALLOWED = 11;
    public static final int RELAY_TIMEOUT = 12;
    public static final int RELAY_FULL = 13;
    public static final int NOT_ALLOWED = 14;
    public static final int UNKNOWN_PATH = 15;
    public static final int PEER_DC_FAILED = 16;
    public static final int INTERNAL = 17;
    public static final int NODE_UNREACHABLE = 18;

    private static final Mnemonics NAMES = new Mnemonics(ErrorCode.class, code -> true, code -> "code " + code);

    /** The name of a code, for logs and tests: the constant's own name ("TICKET_INVALID"), or "code 99". */
    public static String name(int code) {
        return NAMES.name(code);
    }
}
