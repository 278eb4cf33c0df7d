package org.ntmgate.benchmarks;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

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
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encode (with HMAC-SHA-256) and decode (MAC check, TLV validation) of signalling messages: a small one
 * (KEEPALIVE), the DC's busiest request (DIRECTION_REQUEST) and the largest answer (ROUTE_DIRECTION).
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar SignallingBenchmark -prof gc}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class SignallingBenchmark {
    @Param({ "KEEPALIVE", "DIRECTION_REQUEST", "ROUTE_DIRECTION" })
    String type;

    private final MessageCodec codec = new MessageCodec();
    private final MacKey key = new MacKey(7, new byte[32]);
    private final KeyLookup keys = (id, t, n) -> key;
    private Message message;
    private ByteBuf out;
    private ByteBuf encoded;

    @Setup
    public void setUp() throws Exception {
        Message.Builder b = Message.builder(MessageType.valueOf(type)).transactionId(1).sequence(1).id(0x42).keyId(7);
        switch (type) {
            case "DIRECTION_REQUEST" -> b.fqdn("gn.example.org").u8(TlvType.ADDRESS_FAMILY, 6);
            case "ROUTE_DIRECTION" -> b.u8(TlvType.ROUTE_MODE, 3)
                    .endpoint(TlvType.ENDPOINT, new InetSocketAddress(InetAddress.getByName("198.51.100.1"), 4712))
                    .endpoint(TlvType.PEER_VIRTUAL, InetAddress.getByName("2001:db8:200::7"), 0)
                    .tlv(TlvType.SEALED_KEY, new byte[TlvType.SEALED_KEY_LENGTH]).u16(TlvType.INNER_MTU, 1400)
                    .u32(TlvType.LIFETIME, 3600);
            default -> { }
        }
        message = b.build();
        out = Unpooled.directBuffer(512);
        encoded = Unpooled.directBuffer(512);
        codec.encode(message, key, encoded);
    }

    @Benchmark
    public int encode() {
        out.clear();
        return codec.encode(message, key, out);
    }

    @Benchmark
    public Message decode() throws WireDecodeException {
        return codec.decode(encoded, keys);
    }
}
