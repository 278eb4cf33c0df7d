package org.ntmgate.wire;

import java.util.Set;

/** Message types and the TLVs each requires (protocol.md sections 3 and 7). */
public enum MessageType {
    LOGIN_REQUEST(0x01, TlvType.FQDN, TlvType.NONCE),
    LOGIN_CHALLENGE(0x02, TlvType.KDF_PARAMS, TlvType.NONCE),
    LOGIN_PROOF(0x03, TlvType.NONCE),
    LOGIN_RESPONSE(0x04, TlvType.NODE_ID, TlvType.SEALED_KEY, TlvType.TICKET, TlvType.LIFETIME),
    REGISTER_REQUEST(0x10, TlvType.TICKET, TlvType.FQDN, TlvType.ENDPOINT),
    REGISTER_RESPONSE(0x11, TlvType.NODE_ID, TlvType.VIRTUAL_V4, TlvType.VIRTUAL_V6, TlvType.OBSERVED_ENDPOINT, TlvType.LIFETIME),
    KEEPALIVE(0x12),
    KEEPALIVE_ACK(0x13, TlvType.OBSERVED_ENDPOINT),
    DIRECTION_REQUEST(0x20, TlvType.FQDN, TlvType.ADDRESS_FAMILY),
    ROUTE_DIRECTION(0x22, TlvType.ROUTE_MODE, TlvType.ENDPOINT, TlvType.PEER_VIRTUAL, TlvType.SEALED_KEY, TlvType.INNER_MTU,
            TlvType.LIFETIME),
    ROUTE_DIRECTION_ACK(0x23, TlvType.STATUS),
    RELAY_DIRECTION(0x24, TlvType.PEER_VIRTUAL, TlvType.NODE_ID, TlvType.SEALED_KEY, TlvType.RELAY_LIMITS),
    RELAY_DIRECTION_ACK(0x25, TlvType.STATUS),
    PEER_QUERY(0x26, TlvType.FQDN, TlvType.ADDRESS_FAMILY),
    PEER_ANSWER(0x27, TlvType.STATUS),
    TUNNEL_REQUEST(0x30, TlvType.NODE_ID, TlvType.NONCE),
    TUNNEL_RESPONSE(0x31, TlvType.STATUS, TlvType.NONCE, TlvType.INNER_MTU),
    TUNNEL_KEEPALIVE(0x32),
    TUNNEL_KEEPALIVE_ACK(0x33),
    TEARDOWN(0x34, TlvType.STATUS),
    ERROR(0x7F, TlvType.ERROR_CODE);

    /** DATA (protocol.md 2.4) has its own framing and is handled by {@link PathCipher}, not by this enum. */
    public static final int DATA = 0x40;

    private static final MessageType[] BY_CODE = new MessageType[256];

    static {
        for (MessageType t : values()) {
            BY_CODE[t.code] = t;
        }
    }

    private final int code;
    private final Set<Integer> required;

    MessageType(int code, Integer... required) {
        this.code = code;
        this.required = Set.of(required);
    }

    public int code() {
        return code;
    }

    /** TLV types a message of this type must carry (protocol.md 2.2.3). */
    public Set<Integer> requiredTlvs() {
        return required;
    }

    /** The type with this code, or null. */
    public static MessageType ofCode(int code) {
        return code >= 0 && code < 256 ? BY_CODE[code] : null;
    }
}
