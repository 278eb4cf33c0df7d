package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class MessageCodecTest {
    private final MessageCodec codec = new MessageCodec();

    private byte[] encode(Message m, MacKey key) {
        ByteBuf out = Unpooled.buffer();
        codec.encode(m, key, out);
        return ByteBufUtil.getBytes(out);
    }

    private Message decode(byte[] bytes, KeyLookup keys) throws WireDecodeException {
        return codec.decode(Unpooled.wrappedBuffer(bytes), keys);
    }

    @ParameterizedTest
    @EnumSource(MessageType.class)
    void everyMessageTypeRoundTrips(MessageType type) throws Exception {
        Message m = Samples.of(type);
        byte[] bytes = encode(m, Samples.keyFor(type));
        assertEquals(bytes.length, (bytes[2] & 0xFF) << 8 | (bytes[3] & 0xFF), "Length covers the whole message");
        Message back = decode(bytes, Samples.KEYS);
        assertEquals(m, back);
        assertArrayEquals(bytes, encode(back, Samples.keyFor(type)), "re-encoding gives the same bytes");
    }

    @ParameterizedTest
    @EnumSource(value = MessageType.class, mode = EnumSource.Mode.EXCLUDE, names = "LOGIN_REQUEST") // keyless by design (4.2)
    void aFlippedBitAnywhereIsRefused(MessageType type) {
        byte[] bytes = encode(Samples.of(type), Samples.MAC_KEY);
        for (int bit = 0; bit < bytes.length * 8; bit++) {
            byte[] bad = bytes.clone();
            bad[bit / 8] ^= (byte) (1 << (bit % 8));
            int at = bit;
            assertThrows(WireDecodeException.class, () -> decode(bad, Samples.KEYS), "bit " + at + " flipped");
        }
    }

    @Test
    void aMessageMacedWithAnotherKeyIsRefused() {
        byte[] bytes = encode(Samples.of(MessageType.KEEPALIVE), Samples.MAC_KEY);
        MacKey impostor = new MacKey(Samples.MAC_KEY.id(), new byte[32]);
        WireDecodeException e = assertThrows(WireDecodeException.class, () -> decode(bytes, (id, t, n) -> impostor));
        assertEquals(WireDecodeException.Reason.BAD_MAC, e.reason());
        e = assertThrows(WireDecodeException.class, () -> decode(bytes, (id, t, n) -> null));
        assertEquals(WireDecodeException.Reason.UNKNOWN_KEY, e.reason());
    }

    @Test
    void keylessErrorsDecodeWithoutAKey() throws Exception {
        Message err = Message.builder(MessageType.ERROR).transactionId(5).sequence(1).u16(TlvType.ERROR_CODE, 4).build();
        assertEquals(err, decode(encode(err, null), (id, t, n) -> null));
    }

    @Test
    void onlyLoginRequestAndErrorsAreKeyless() throws Exception {
        Message login = Samples.of(MessageType.LOGIN_REQUEST);
        assertEquals(login, decode(encode(login, null), (id, t, n) -> null));
        Message keepalive = Samples.of(MessageType.KEEPALIVE).toBuilder().keyId(0).build();
        assertThrows(IllegalArgumentException.class, () -> encode(keepalive, null));
        byte[] zeroKey = encode(Samples.of(MessageType.KEEPALIVE), Samples.MAC_KEY);
        zeroKey[24] = zeroKey[25] = zeroKey[26] = zeroKey[27] = 0;
        assertEquals(WireDecodeException.Reason.UNKNOWN_KEY,
                assertThrows(WireDecodeException.class, () -> decode(zeroKey, Samples.KEYS)).reason());
    }

    @Test
    void unknownTlvsFollowTheCriticalBit() throws Exception {
        Message optional = Samples.of(MessageType.KEEPALIVE).toBuilder().tlv(0x0777, new byte[] { 1, 2, 3 }).build();
        Message back = decode(encode(optional, Samples.MAC_KEY), Samples.KEYS);
        assertEquals(optional, back, "an unknown non-critical TLV is kept");
        Message critical = Samples.of(MessageType.KEEPALIVE).toBuilder().tlv(0x8777, new byte[] { 1 }).build();
        assertEquals(WireDecodeException.Reason.UNKNOWN_CRITICAL_TLV,
                assertThrows(WireDecodeException.class, () -> decode(encode(critical, Samples.MAC_KEY), Samples.KEYS)).reason());
    }

    @Test
    void tlvRulesAreEnforcedAfterTheMac() {
        Message twice = Samples.of(MessageType.KEEPALIVE_ACK).toBuilder().u32(TlvType.LIFETIME, 1).u32(TlvType.LIFETIME, 2).build();
        assertReason(WireDecodeException.Reason.DUPLICATE_TLV, twice);
        Message missing = Message.builder(MessageType.DIRECTION_REQUEST).keyId(Samples.MAC_KEY.id()).fqdn("gn.example.org").build();
        assertReason(WireDecodeException.Reason.MISSING_TLV, missing);
        Message shortNonce = Samples.of(MessageType.KEEPALIVE).toBuilder().tlv(TlvType.NONCE, new byte[15]).build();
        assertReason(WireDecodeException.Reason.BAD_TLV, shortNonce);
        Message upperCase = Samples.of(MessageType.KEEPALIVE).toBuilder().tlv(TlvType.FQDN, "GN.example.org".getBytes(StandardCharsets.US_ASCII)).build();
        assertReason(WireDecodeException.Reason.BAD_TLV, upperCase);
        Message smallMtu = Samples.of(MessageType.KEEPALIVE).toBuilder().u16(TlvType.INNER_MTU, 1279).build();
        assertReason(WireDecodeException.Reason.BAD_TLV, smallMtu);
        Message badFamily = Samples.of(MessageType.KEEPALIVE).toBuilder().tlv(TlvType.ENDPOINT, new byte[] { 2, 0, 0, 80, 1, 2, 3, 4 }).build();
        assertReason(WireDecodeException.Reason.BAD_TLV, badFamily);
    }

    private void assertReason(WireDecodeException.Reason reason, Message m) {
        byte[] bytes = encode(m, Samples.MAC_KEY);
        assertEquals(reason, assertThrows(WireDecodeException.class, () -> decode(bytes, Samples.KEYS)).reason());
    }

    @Test
    void framingErrorsAreNamed() {
        byte[] ok = encode(Samples.of(MessageType.KEEPALIVE), Samples.MAC_KEY);
        assertEquals(WireDecodeException.Reason.TRUNCATED,
                assertThrows(WireDecodeException.class, () -> decode(java.util.Arrays.copyOf(ok, 43), Samples.KEYS)).reason());
        byte[] v2 = ok.clone();
        v2[0] = 0x20;
        assertEquals(WireDecodeException.Reason.BAD_VERSION, assertThrows(WireDecodeException.class, () -> decode(v2, Samples.KEYS)).reason());
        byte[] longer = java.util.Arrays.copyOf(ok, ok.length + 1);
        assertEquals(WireDecodeException.Reason.BAD_LENGTH, assertThrows(WireDecodeException.class, () -> decode(longer, Samples.KEYS)).reason());
        byte[] type = ok.clone();
        type[1] = 0x66;
        assertEquals(WireDecodeException.Reason.UNKNOWN_TYPE, assertThrows(WireDecodeException.class, () -> decode(type, Samples.KEYS)).reason());
    }

    @Test
    void randomBytesGiveAMessageOrOneTypedException() {
        Random r = new Random(5);
        for (int i = 0; i < 100_000; i++) {
            byte[] data = new byte[r.nextInt(120)];
            r.nextBytes(data);
            if (data.length >= 4) {
                data[0] = 0x10;
                data[2] = (byte) (data.length >>> 8);
                data[3] = (byte) data.length;
            }
            try {
                decode(data, Samples.KEYS);
            } catch (WireDecodeException expected) {
                // the one exception allowed
            }
        }
    }

    @Test
    void aChallengeIsReadFirstAndItsMacCheckedAfter() throws Exception {
        byte[] bytes = encode(Samples.of(MessageType.LOGIN_CHALLENGE), Samples.MAC_KEY);
        Message challenge = codec.decodeBeforeVerifying(Unpooled.wrappedBuffer(bytes));
        assertEquals(Samples.of(MessageType.LOGIN_CHALLENGE), challenge);
        assertEquals(true, codec.verifies(Unpooled.wrappedBuffer(bytes), Samples.MAC_KEY));
        assertEquals(false, codec.verifies(Unpooled.wrappedBuffer(bytes), new MacKey(Samples.MAC_KEY.id(), new byte[32])));
        byte[] other = encode(Samples.of(MessageType.KEEPALIVE), Samples.MAC_KEY);
        assertEquals(WireDecodeException.Reason.UNKNOWN_TYPE,
                assertThrows(WireDecodeException.class, () -> codec.decodeBeforeVerifying(Unpooled.wrappedBuffer(other))).reason());
    }
}
