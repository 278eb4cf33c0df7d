package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** Round trips of randomly generated messages: every type, random header fields, random optional TLVs in random order. */
class GeneratedMessagesTest {
    private static final int[] ALL_TLVS = { TlvType.FQDN, TlvType.NONCE, TlvType.ENDPOINT, TlvType.OBSERVED_ENDPOINT,
            TlvType.VIRTUAL_V4, TlvType.VIRTUAL_V6, TlvType.PEER_VIRTUAL, TlvType.LIFETIME, TlvType.STATUS, TlvType.ROUTE_MODE,
            TlvType.SEALED_KEY, TlvType.TICKET, TlvType.KDF_PARAMS, TlvType.ADDRESS_FAMILY, TlvType.ERROR_CODE,
            TlvType.ERROR_TEXT, TlvType.NODE_ID, TlvType.REAL_ADDRESS, TlvType.EGRESS, TlvType.RELAY_LIMITS, TlvType.INNER_MTU,
            TlvType.SUPPORTED_VERSIONS, TlvType.UNSUPPORTED_TLV, TlvType.SOFTWARE };

    static Message random(Random r) {
        MessageType type = MessageType.values()[r.nextInt(MessageType.values().length)];
        boolean keyless = type == MessageType.LOGIN_REQUEST;
        Message.Builder b = Message.builder(type).flags(r.nextInt(16)).transactionId(r.nextInt()).sequence(1 + (r.nextLong() >>> 1))
                .id(r.nextLong()).keyId(keyless ? 0 : Samples.MAC_KEY.id());
        List<Integer> types = new ArrayList<>(type.requiredTlvs());
        for (int t : ALL_TLVS) {
            if (!types.contains(t) && r.nextInt(4) == 0) {
                types.add(t);
            }
        }
        if (r.nextInt(3) == 0) {
            types.add(0x0100 + r.nextInt(0x7000)); // an unknown non-critical TLV, kept as it came
        }
        Collections.shuffle(types, r);
        for (int t : types) {
            byte[] v;
            if (TlvType.isKnown(t)) {
                v = TlvType.exampleValue(t, r);
            } else {
                v = new byte[r.nextInt(30)];
                r.nextBytes(v);
            }
            b.tlv(t, v);
        }
        return b.build();
    }

    @Test
    void tenThousandGeneratedMessagesRoundTripByteForByte() throws Exception {
        Random r = new Random(7);
        MessageCodec codec = new MessageCodec();
        for (int i = 0; i < 10_000; i++) {
            Message m = random(r);
            MacKey key = m.type() == MessageType.LOGIN_REQUEST ? null : Samples.MAC_KEY;
            ByteBuf out = Unpooled.buffer();
            codec.encode(m, key, out);
            byte[] bytes = ByteBufUtil.getBytes(out);
            Message back = codec.decode(Unpooled.wrappedBuffer(bytes), Samples.KEYS);
            assertEquals(m, back, "message " + i);
            ByteBuf again = Unpooled.buffer();
            codec.encode(back, key, again);
            assertArrayEquals(bytes, ByteBufUtil.getBytes(again));
        }
    }
}
