package org.ntmgate.wire;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** TLV types of protocol.md 2.2.4 and the checks of their values (2.2.3). */
public final class TlvType {
    private TlvType() {
    }

    /** The critical bit (2.2.2). */
    public static final int CRITICAL = 0x8000;

    public static final int FQDN = 0x8001;
    public static final int NONCE = 0x8002;
    public static final int ENDPOINT = 0x8003;
    public static final int OBSERVED_ENDPOINT = 0x8004;
    public static final int VIRTUAL_V4 = 0x8005;
    public static final int VIRTUAL_V6 = 0x8006;
    public static final int PEER_VIRTUAL = 0x8007;
    public static final int LIFETIME = 0x8008;
    public static final int STATUS = 0x8009;
    public static final int ROUTE_MODE = 0x800A;
    public static final int SEALED_KEY = 0x800B;
    public static final int TICKET = 0x800C;
    public static final int KDF_PARAMS = 0x800D;
    public static final int ADDRESS_FAMILY = 0x800E;
    public static final int ERROR_CODE = 0x800F;
    public static final int ERROR_TEXT = 0x8010;
    public static final int NODE_ID = 0x8011;
    public static final int REAL_ADDRESS = 0x8012;
    public static final int EGRESS = 0x8013;
    public static final int RELAY_LIMITS = 0x8014;
    public static final int INNER_MTU = 0x8015;
    public static final int SUPPORTED_VERSIONS = 0x8016;
    public static final int UNSUPPORTED_TLV = 0x8017;
    public static final int SOFTWARE = 0x0018;

    /** Length of a SEALED_KEY value: key id, lifetime, nonce, 32 sealed key bytes, tag (5.3). */
    public static final int SEALED_KEY_LENGTH = 4 + 4 + 12 + 32 + 16;
    /** Smallest TICKET: key id, nonce, node id, expiry, FQDN length, a 1-byte FQDN, K_nd id, K_nd, tag (4.4). */
    public static final int TICKET_MIN_LENGTH = 4 + 12 + 8 + 8 + 1 + 1 + 4 + 32 + 16;
    public static final int TICKET_MAX_LENGTH = TICKET_MIN_LENGTH - 1 + 253;

    public static boolean isCritical(int type) {
        return (type & CRITICAL) != 0;
    }

    /** True for the types this version knows. */
    public static boolean isKnown(int type) {
        return (type >= FQDN && type <= UNSUPPORTED_TLV) || type == SOFTWARE;
    }

    private static final Mnemonics NAMES = new Mnemonics(TlvType.class, TlvType::isKnown, type -> String.format("TLV-0x%04x", type));

    /** The name of a type, for logs and tests: the constant's own name ("FQDN"), or "TLV-0x8123". */
    public static String name(int type) {
        return NAMES.name(type);
    }

    /**
     * A valid value of a known TLV type, different for each {@code seed}: for generated messages in tests and
     * benchmarks. Sealed keys and tickets are random bytes of the right size (valid TLVs; they open for nobody).
     */
    public static byte[] exampleValue(int type, java.util.Random seed) {
        byte[] v;
        switch (type) {
            case FQDN: {
                String name = "n" + Integer.toString(seed.nextInt(1 << 20), 36) + ".example.net";
                return name.getBytes(StandardCharsets.US_ASCII);
            }
            case ENDPOINT:
            case OBSERVED_ENDPOINT:
            case PEER_VIRTUAL:
            case REAL_ADDRESS:
            case EGRESS: {
                boolean v6 = seed.nextBoolean();
                v = new byte[v6 ? 20 : 8];
                seed.nextBytes(v);
                v[0] = (byte) (v6 ? 2 : 1);
                v[1] = 0;
                if (type != ENDPOINT && type != OBSERVED_ENDPOINT) {
                    v[2] = v[3] = 0;
                }
                return v;
            }
            case ROUTE_MODE:
                return new byte[] { (byte) (1 + seed.nextInt(3)) };
            case ADDRESS_FAMILY:
                return new byte[] { (byte) (seed.nextBoolean() ? 4 : 6) };
            case KDF_PARAMS: {
                v = new byte[5 + 16];
                seed.nextBytes(v);
                v[0] = 0;
                v[1] = 3;
                v[4] = 16;
                return v;
            }
            case INNER_MTU: {
                int mtu = 1280 + seed.nextInt(200);
                return new byte[] { (byte) (mtu >>> 8), (byte) mtu };
            }
            case ERROR_TEXT:
            case SOFTWARE:
                return ("text " + seed.nextInt(1000)).getBytes(StandardCharsets.US_ASCII);
            case SUPPORTED_VERSIONS:
                return new byte[] { 1 };
            case TICKET:
                v = new byte[TICKET_MIN_LENGTH + seed.nextInt(40)];
                break;
            default:
                v = new byte[fixedLength(type)];
        }
        seed.nextBytes(v);
        return v;
    }

    private static int fixedLength(int type) {
        switch (type) {
            case NONCE: return 16;
            case VIRTUAL_V4: case LIFETIME: return 4;
            case VIRTUAL_V6: return 16;
            case STATUS: return 1;
            case SEALED_KEY: return SEALED_KEY_LENGTH;
            case ERROR_CODE: case UNSUPPORTED_TLV: return 2;
            case NODE_ID: return 8;
            case RELAY_LIMITS: return 20;
            default: throw new IllegalArgumentException("no example for " + name(type));
        }
    }

    /** Checks a known TLV's value; a problem is a {@link WireDecodeException.Reason#BAD_TLV}. */
    static void validate(int type, byte[] v) throws WireDecodeException {
        String problem = problem(type, v);
        if (problem != null) {
            throw new WireDecodeException(WireDecodeException.Reason.BAD_TLV, name(type) + ": " + problem);
        }
    }

    private static String problem(int type, byte[] v) {
        switch (type) {
            case FQDN:
                return fqdnProblem(v);
            case NONCE:
                return v.length == 16 ? null : "16 bytes, not " + v.length;
            case ENDPOINT:
            case OBSERVED_ENDPOINT:
                return endpointProblem(v, false);
            case PEER_VIRTUAL:
            case REAL_ADDRESS:
            case EGRESS:
                return endpointProblem(v, true);
            case VIRTUAL_V4:
                return v.length == 4 ? null : "4 bytes, not " + v.length;
            case VIRTUAL_V6:
                return v.length == 16 ? null : "16 bytes, not " + v.length;
            case LIFETIME:
                return v.length == 4 ? null : "4 bytes, not " + v.length;
            case STATUS:
                return v.length == 1 ? null : "1 byte, not " + v.length;
            case ROUTE_MODE:
                return v.length == 1 && v[0] >= 1 && v[0] <= 3 ? null : "one byte, 1..3";
            case SEALED_KEY:
                return v.length == SEALED_KEY_LENGTH ? null : SEALED_KEY_LENGTH + " bytes, not " + v.length;
            case TICKET:
                return v.length >= TICKET_MIN_LENGTH && v.length <= TICKET_MAX_LENGTH ? null : "bad length " + v.length;
            case KDF_PARAMS:
                return v.length >= 5 && (v[4] & 0xFF) >= 16 && v.length == 5 + (v[4] & 0xFF) && ByteBuffer.wrap(v).getInt() > 0
                        ? null : "iterations, salt length (16 or more) and salt";
            case ADDRESS_FAMILY:
                return v.length == 1 && (v[0] == 4 || v[0] == 6) ? null : "one byte, 4 or 6";
            case ERROR_CODE:
                return v.length == 2 ? null : "2 bytes, not " + v.length;
            case ERROR_TEXT:
                return v.length <= 200 && utf8(v) ? null : "UTF-8, at most 200 bytes";
            case NODE_ID:
                return v.length == 8 ? null : "8 bytes, not " + v.length;
            case RELAY_LIMITS:
                return v.length == 20 ? null : "20 bytes, not " + v.length;
            case INNER_MTU:
                return v.length == 2 && (((v[0] & 0xFF) << 8) | (v[1] & 0xFF)) >= 1280 ? null : "2 bytes, at least 1280";
            case SUPPORTED_VERSIONS:
                return v.length >= 1 ? null : "at least one version";
            case UNSUPPORTED_TLV:
                return v.length == 2 ? null : "2 bytes, not " + v.length;
            case SOFTWARE:
                return v.length <= 100 && utf8(v) ? null : "UTF-8, at most 100 bytes";
            default:
                return null;
        }
    }

    private static String fqdnProblem(byte[] v) {
        if (v.length < 1 || v.length > 253) {
            return "1..253 bytes";
        }
        int label = 0;
        for (int i = 0; i < v.length; i++) {
            int c = v[i];
            if (c == '.') {
                if (label == 0) {
                    return "empty label";
                }
                label = 0;
            } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_') {
                if (++label > 63) {
                    return "label longer than 63";
                }
            } else {
                return "lower-case letters, digits, '-', '_' and '.' only";
            }
        }
        return label == 0 ? "no trailing dot" : null;
    }

    private static String endpointProblem(byte[] v, boolean portZero) {
        if (v.length != 8 && v.length != 20) {
            return "8 (IPv4) or 20 (IPv6) bytes, not " + v.length;
        }
        if ((v[0] == 1) != (v.length == 8) || (v[0] != 1 && v[0] != 2)) {
            return "family " + v[0] + " does not match the length";
        }
        if (v[1] != 0) {
            return "reserved byte is not 0";
        }
        if (portZero && (v[2] != 0 || v[3] != 0)) {
            return "an address carries port 0";
        }
        return null;
    }

    private static boolean utf8(byte[] v) {
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(v));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }
}
