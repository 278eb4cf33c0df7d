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

    /** The name of a code, for logs and tests. */
    public static String name(int code) {
        return switch (code) {
            case BAD_MESSAGE -> "BAD_MESSAGE";
            case UNSUPPORTED_VERSION -> "UNSUPPORTED_VERSION";
            case UNSUPPORTED_TLV -> "UNSUPPORTED_TLV";
            case AUTH_FAILED -> "AUTH_FAILED";
            case RATE_LIMITED -> "RATE_LIMITED";
            case TICKET_INVALID -> "TICKET_INVALID";
            case NOT_REGISTERED -> "NOT_REGISTERED";
            case NO_SUCH_NAME -> "NO_SUCH_NAME";
            case NO_USABLE_FAMILY -> "NO_USABLE_FAMILY";
            case POOL_EXHAUSTED -> "POOL_EXHAUSTED";
            case NO_RELAY_ALLOWED -> "NO_RELAY_ALLOWED";
            case RELAY_TIMEOUT -> "RELAY_TIMEOUT";
            case RELAY_FULL -> "RELAY_FULL";
            case NOT_ALLOWED -> "NOT_ALLOWED";
            case UNKNOWN_PATH -> "UNKNOWN_PATH";
            case PEER_DC_FAILED -> "PEER_DC_FAILED";
            case INTERNAL -> "INTERNAL";
            case NODE_UNREACHABLE -> "NODE_UNREACHABLE";
            default -> "code " + code;
        };
    }
}
