package org.ntmgate.wire.fuzz;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.HexFormat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.wire.KeyLookup;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.PathCipher;
import org.ntmgate.wire.WireDecodeException;

/**
 * Coverage-guided fuzzing of every decoder (Jazzer). Any bytes give a message or one {@link WireDecodeException};
 * nothing else may escape. To reach past the MAC, the fuzzer's bytes are also framed as a correctly MACed message:
 * whatever then decodes must encode back to the same bytes (the codec is canonical).
 */
class WireFuzzTest {
    private static final MacKey KEY = new MacKey(0x0a0b0c0d,
            HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));
    private static final KeyLookup KEYS = (id, type, n) -> id == KEY.id() ? KEY : null;
    private static final byte[] PATH_KEY = new byte[32];

    @FuzzTest(maxDuration = "20s")
    void decodersTakeAnyBytes(FuzzedDataProvider data) throws Exception {
        MessageCodec codec = new MessageCodec();
        boolean frame = data.consumeBoolean();
        int type = data.consumeInt(0, 255);
        byte[] body = data.consumeRemainingAsBytes();
        if (!frame) {
            try {
                codec.decode(Unpooled.wrappedBuffer(body), KEYS);
            } catch (WireDecodeException expected) {
                // the one allowed exception
            }
            try {
                new PathCipher(PATH_KEY, 1, false, 0).open(Unpooled.wrappedBuffer(body), Unpooled.buffer());
            } catch (WireDecodeException expected) {
                // the one allowed exception
            }
            return;
        }
        int length = MessageCodec.HEADER_LENGTH + body.length + MessageCodec.MAC_LENGTH;
        if (length > MessageCodec.MAX_LENGTH) {
            return;
        }
        ByteBuf msg = Unpooled.buffer(length);
        msg.writeByte(0x10).writeByte(type).writeShort(length).writeInt(1).writeLong(1).writeLong(1).writeInt(KEY.id());
        msg.writeBytes(body);
        byte[] mac = hmac(ByteBufUtil.getBytes(msg));
        msg.writeBytes(mac, 0, MessageCodec.MAC_LENGTH);
        byte[] bytes = ByteBufUtil.getBytes(msg);
        Message m;
        try {
            m = codec.decode(Unpooled.wrappedBuffer(bytes), KEYS);
        } catch (WireDecodeException expected) {
            return;
        }
        if (m.type().code() == 0x01) {
            return; // LOGIN_REQUEST re-encodes keyless, with another key id and MAC
        }
        ByteBuf again = Unpooled.buffer();
        codec.encode(m, KEY, again);
        assertArrayEquals(bytes, ByteBufUtil.getBytes(again));
    }

    private static byte[] hmac(byte[] data) throws Exception {
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(
                HexFormat.of().parseHex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"), "HmacSHA256"));
        return mac.doFinal(data);
    }
}
