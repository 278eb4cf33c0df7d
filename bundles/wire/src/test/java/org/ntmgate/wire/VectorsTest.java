package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The hex dumps of docs/protocol.md section 13: each decodes to its sample and encodes back to the same bytes. */
class VectorsTest {
    @ParameterizedTest
    @EnumSource(MessageType.class)
    void eachVectorDecodesAndEncodesBackToTheSameBytes(MessageType type) throws Exception {
        byte[] vector = TestVectors.read(type.name());
        Message decoded = new MessageCodec().decode(Unpooled.wrappedBuffer(vector), Samples.KEYS);
        assertEquals(Samples.of(type), decoded);
        ByteBuf again = Unpooled.buffer();
        new MessageCodec().encode(decoded, Samples.keyFor(type), again);
        assertArrayEquals(vector, ByteBufUtil.getBytes(again));
    }

    @Test
    void theDataVectorOpensToItsInnerPacketAndSealsToTheSameBytes() throws Exception {
        byte[] vector = TestVectors.read("DATA");
        ByteBuf inner = Unpooled.buffer();
        new PathCipher(Samples.SEALED, TestVectors.DATA_PATH, false, 0).open(Unpooled.wrappedBuffer(vector), inner);
        assertArrayEquals(TestVectors.dataInner(), ByteBufUtil.getBytes(inner));
        assertArrayEquals(vector, TestVectors.encodeData(), "the first packet of a path seals deterministically");
    }
}
