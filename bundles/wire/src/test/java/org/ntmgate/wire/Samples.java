package org.ntmgate.wire;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * One deterministic message of every type, with the TLVs protocol.md section 7 gives it: the source of the test
 * vectors in src/test/resources/vectors and of the round-trip tests. Documentation addresses only.
 */
final class Samples {
    static final byte[] KEY = HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    static final MacKey MAC_KEY = new MacKey(0x0a0b0c0d, KEY);
    static final byte[] RECIPIENT_KEY = HexFormat.of().parseHex("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");
    static final byte[] SEALED = HexFormat.of().parseHex("404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f");
    static final byte[] NONCE12 = HexFormat.of().parseHex("606162636465666768696a6b");
    static final KeyLookup KEYS = (id, type, nodeOrPath) -> id == MAC_KEY.id() ? MAC_KEY : null;

    private Samples() {
    }

    static InetAddress ip(String s) {
        try {
            return InetAddress.getByName(s);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static byte[] nonce(int seed) {
        byte[] n = new byte[16];
        for (int i = 0; i < 16; i++) {
            n[i] = (byte) (seed + i);
        }
        return n;
    }

    static byte[] ticket() {
        ByteBuffer b = ByteBuffer.allocate(TlvType.TICKET_MIN_LENGTH - 1 + "mn.example.net".length());
        b.putInt(0x11223344).put(NONCE12);
        while (b.hasRemaining()) {
            b.put((byte) 0x5a); // opaque to everyone but the DC
        }
        return b.array();
    }

    static Message of(MessageType type) {
        int tx = 0x01020304;
        long id = type.name().startsWith("TUNNEL") || type.name().startsWith("RELAY") || type == MessageType.TEARDOWN
                || type == MessageType.ROUTE_DIRECTION || type == MessageType.ROUTE_DIRECTION_ACK ? 0x7f6e5d4c3b2a1908L : 0x42L;
        Message.Builder b = Message.builder(type).transactionId(tx).sequence(7).id(type == MessageType.LOGIN_REQUEST ? 0 : id)
                .keyId(type == MessageType.LOGIN_REQUEST ? 0 : MAC_KEY.id());
        switch (type) {
            case LOGIN_REQUEST -> b.fqdn("mn.example.net").tlv(TlvType.NONCE, nonce(1));
            case LOGIN_CHALLENGE -> b.tlv(TlvType.KDF_PARAMS, ByteBuffer.allocate(21).putInt(210_000).put((byte) 16).put(nonce(9)).array())
                    .tlv(TlvType.NONCE, nonce(2));
            case LOGIN_PROOF -> b.tlv(TlvType.NONCE, nonce(2));
            case LOGIN_RESPONSE -> b.u64(TlvType.NODE_ID, 0x42).tlv(TlvType.SEALED_KEY, seal(type, tx, 0x42)).tlv(TlvType.TICKET, ticket())
                    .u32(TlvType.LIFETIME, 3600);
            case REGISTER_REQUEST -> b.tlv(TlvType.TICKET, ticket()).fqdn("mn.example.net")
                    .endpoint(TlvType.ENDPOINT, new InetSocketAddress(ip("192.0.2.10"), 40000));
            case REGISTER_RESPONSE -> b.u64(TlvType.NODE_ID, 0x42).tlv(TlvType.VIRTUAL_V4, ip("198.51.100.42").getAddress())
                    .tlv(TlvType.VIRTUAL_V6, ip("2001:db8:100::42").getAddress())
                    .endpoint(TlvType.OBSERVED_ENDPOINT, new InetSocketAddress(ip("203.0.113.5"), 61000)).u32(TlvType.LIFETIME, 90);
            case KEEPALIVE, TUNNEL_KEEPALIVE, TUNNEL_KEEPALIVE_ACK -> { }
            case KEEPALIVE_ACK -> b.endpoint(TlvType.OBSERVED_ENDPOINT, new InetSocketAddress(ip("203.0.113.5"), 61000));
            case DIRECTION_REQUEST, PEER_QUERY -> b.fqdn("gn.example.org").u8(TlvType.ADDRESS_FAMILY, 6);
            case ROUTE_DIRECTION -> b.u8(TlvType.ROUTE_MODE, 3).endpoint(TlvType.ENDPOINT, new InetSocketAddress(ip("198.51.100.1"), 4712))
                    .endpoint(TlvType.PEER_VIRTUAL, ip("2001:db8:200::7"), 0).tlv(TlvType.SEALED_KEY, seal(type, tx, id))
                    .u16(TlvType.INNER_MTU, 1400).u32(TlvType.LIFETIME, 3600);
            case ROUTE_DIRECTION_ACK, RELAY_DIRECTION_ACK, PEER_ANSWER, TEARDOWN -> b.u8(TlvType.STATUS, 0);
            case RELAY_DIRECTION -> b.tlv(TlvType.VIRTUAL_V6, ip("2001:db8:100::42").getAddress())
                    .endpoint(TlvType.PEER_VIRTUAL, ip("2001:db8:200::7"), 0).fqdn("gn.example.org").u64(TlvType.NODE_ID, 0x42)
                    .tlv(TlvType.SEALED_KEY, seal(type, tx, id))
                    .tlv(TlvType.RELAY_LIMITS, ByteBuffer.allocate(20).putInt(16).putLong(12_500_000).putLong(20_000).array());
            case TUNNEL_REQUEST -> b.u64(TlvType.NODE_ID, 0x42).tlv(TlvType.VIRTUAL_V6, ip("2001:db8:100::42").getAddress())
                    .tlv(TlvType.NONCE, nonce(3));
            case TUNNEL_RESPONSE -> b.u8(TlvType.STATUS, 0).tlv(TlvType.NONCE, nonce(3)).u16(TlvType.INNER_MTU, 1400);
            case ERROR -> b.u16(TlvType.ERROR_CODE, 9).tlv(TlvType.ERROR_TEXT, "gn.example.org has no AAAA record".getBytes());
            default -> throw new AssertionError(type);
        }
        return b.build();
    }

    static byte[] seal(MessageType type, int tx, long id) {
        return KeySealer.seal(RECIPIENT_KEY, type, tx, id, 0x55667788, 3600, SEALED, NONCE12);
    }

    static MacKey keyFor(MessageType type) {
        return type == MessageType.LOGIN_REQUEST ? null : MAC_KEY;
    }
}
