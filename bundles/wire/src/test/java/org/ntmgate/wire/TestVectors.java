package org.ntmgate.wire;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * The committed test vectors (src/test/resources/vectors/NAME.hex: hex, 16 bytes a line). {@link #main} writes them
 * from {@link Samples}; it is run by hand when the protocol changes, and the diff is reviewed like code.
 * {@code VectorsTest} reads them and never writes.
 */
final class TestVectors {
    static final long DATA_PATH = 0x7f6e5d4c3b2a1908L;

    private TestVectors() {
    }

    static byte[] encodeSample(MessageType type) {
        ByteBuf out = Unpooled.buffer();
        new MessageCodec().encode(Samples.of(type), Samples.keyFor(type), out);
        return ByteBufUtil.getBytes(out);
    }

    /** An ICMPv6 echo request of 64 bytes sealed as the first DATA packet from the initiator. */
    static byte[] dataInner() {
        return HexFormat.of().parseHex("6000000000183a4020010db8010000000000000000000042"
                + "20010db802000000000000000000000780000000000100010001020304050607"
                + "08090a0b0c0d0e0f");
    }

    static byte[] encodeData() {
        ByteBuf out = Unpooled.buffer();
        new PathCipher(Samples.SEALED, DATA_PATH, true, 0).seal(Unpooled.wrappedBuffer(dataInner()), out);
        return ByteBufUtil.getBytes(out);
    }

    static String format(byte[] bytes) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < bytes.length; i += 16) {
            sb.append(HexFormat.ofDelimiter(" ").formatHex(bytes, i, Math.min(bytes.length, i + 16))).append('\n');
        }
        return sb.toString();
    }

    static byte[] read(String name) throws IOException {
        try (InputStream in = TestVectors.class.getResourceAsStream("/vectors/" + name + ".hex")) {
            if (in == null) {
                throw new IOException("no test vector " + name + ".hex");
            }
            return HexFormat.of().parseHex(new String(in.readAllBytes(), StandardCharsets.US_ASCII).replaceAll("\\s", ""));
        }
    }

    public static void main(String[] args) throws IOException {
        Path dir = Paths.get(args.length > 0 ? args[0] : "src/test/resources/vectors");
        Files.createDirectories(dir);
        for (MessageType t : MessageType.values()) {
            Files.writeString(dir.resolve(t.name() + ".hex"), format(encodeSample(t)));
        }
        Files.writeString(dir.resolve("DATA.hex"), format(encodeData()));
    }
}
