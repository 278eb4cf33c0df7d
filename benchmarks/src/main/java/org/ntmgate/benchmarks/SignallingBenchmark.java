package org.ntmgate.benchmarks;

import java.util.Random;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.wire.KeyLookup;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode (with HMAC-SHA-256) and decode (MAC check, TLV validation) of each signalling message type, carrying the
 * TLVs its type requires.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SignallingBenchmark -prof gc}
 */
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SignallingBenchmark extends NanosecondBenchmark {
    @Param({ "LOGIN_REQUEST", "LOGIN_CHALLENGE", "LOGIN_PROOF", "LOGIN_RESPONSE", "REGISTER_REQUEST", "REGISTER_RESPONSE",
            "KEEPALIVE", "KEEPALIVE_ACK", "DIRECTION_REQUEST", "ROUTE_DIRECTION", "ROUTE_DIRECTION_ACK", "RELAY_DIRECTION",
            "RELAY_DIRECTION_ACK", "PEER_QUERY", "PEER_ANSWER", "TUNNEL_REQUEST", "TUNNEL_RESPONSE", "TUNNEL_KEEPALIVE",
            "TUNNEL_KEEPALIVE_ACK", "TEARDOWN", "ERROR" })
    String type;

    private final MessageCodec codec = new MessageCodec();
    private final MacKey key = new MacKey(7, new byte[32]);
    private final KeyLookup keys = (id, t, n) -> key;
    private MacKey encodeKey;
    private Message message;
    private ByteBuf out;
    private ByteBuf encoded;

    @Setup
    public void setUp() {
        MessageType t = MessageType.valueOf(type);
        boolean keyless = t == MessageType.LOGIN_REQUEST;
        Message.Builder b = Message.builder(t).transactionId(1).sequence(1).id(0x42).keyId(keyless ? 0 : 7);
        Random r = new Random(1);
        t.requiredTlvs().stream().sorted().forEach(tlv -> b.tlv(tlv, TlvType.exampleValue(tlv, r)));
        message = b.build();
        encodeKey = keyless ? null : key;
        out = Unpooled.directBuffer(1024);
        encoded = Unpooled.directBuffer(1024);
        codec.encode(message, encodeKey, encoded);
    }

    @Benchmark
    public int encode() {
        out.clear();
        return codec.encode(message, encodeKey, out);
    }

    @Benchmark
    public Message decode() throws WireDecodeException {
        return codec.decode(encoded, keys);
    }
}
