package org.ntmgate.benchmarks;

import java.net.InetAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.wire.PathCipher;
import org.ntmgate.wire.WireDecodeException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The RS-N's per-packet work on a 1280-byte IPv6 packet: parse, rewrite both addresses with incremental checksums,
 * and seal or open it as a DATA packet (ChaCha20-Poly1305). Buffers are reused as a forwarding loop reuses them.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar PacketPathBenchmark -prof gc}
 */
public class PacketPathBenchmark extends NanosecondBenchmark {
    private final IpPacket view = new IpPacket();
    private ByteBuf packet;
    private ByteBuf sealed;
    private ByteBuf scratch;
    private ByteBuf opened;
    private byte[] egress;
    private byte[] real;
    private byte[] virtualSrc;
    private byte[] virtualDst;
    private PathCipher node;
    private PathCipher relay;
    private PathCipher relaySender;
    private PathCipher nodeReceiver;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        virtualSrc = InetAddress.getByName("2001:db8:100::42").getAddress();
        virtualDst = InetAddress.getByName("2001:db8:200::7").getAddress();
        egress = InetAddress.getByName("2001:db8:e0::42").getAddress();
        real = InetAddress.getByName("2001:db8:300::80").getAddress();
        packet = PooledByteBufAllocator.DEFAULT.directBuffer(1500);
        ByteBuf payload = Unpooled.buffer(1280 - 48).writeZero(1280 - 48);
        PacketBuilder.udp(packet, virtualSrc, virtualDst, 40000, 443, payload);
        sealed = PooledByteBufAllocator.DEFAULT.directBuffer(1600);
        scratch = PooledByteBufAllocator.DEFAULT.directBuffer(1600);
        opened = PooledByteBufAllocator.DEFAULT.directBuffer(1600);
        byte[] key = new byte[32];
        node = new PathCipher(key, 9, true, 0);
        relay = new PathCipher(key, 9, false, 0);
        relaySender = new PathCipher(key, 10, false, 0);
        nodeReceiver = new PathCipher(key, 10, true, 0);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        packet.release();
        sealed.release();
        scratch.release();
        opened.release();
    }

    /** Parse and rewrite source and destination, as the RS-N does towards the real server (and back). */
    @Benchmark
    public int parseAndRewrite() {
        if (view.parse(packet) != ParseStatus.OK) {
            throw new IllegalStateException();
        }
        view.rewriteSource(egress);
        view.rewriteDestination(real);
        view.rewriteSource(virtualSrc); // back, so every iteration sees the same packet
        view.rewriteDestination(virtualDst);
        return view.transportLength();
    }

    /** Seal one 1280-byte inner packet into a DATA packet. */
    @Benchmark
    public int seal() {
        scratch.clear();
        return node.seal(packet, scratch);
    }

    /** Open one DATA packet (a fresh one each time: the replay window refuses repeats). */
    @Benchmark
    public int sealThenOpen() throws WireDecodeException {
        carry(relaySender, nodeReceiver);
        return opened.readableBytes();
    }

    /** The whole RS-N inbound step: open the node's DATA packet, parse it, rewrite both addresses. */
    @Benchmark
    public int openParseRewrite() throws WireDecodeException {
        carry(node, relay);
        if (view.parse(opened) != ParseStatus.OK) {
            throw new IllegalStateException();
        }
        view.rewriteSource(egress);
        view.rewriteDestination(real);
        return opened.readableBytes();
    }

    /** {@code packet} sealed by {@code sender} and opened by {@code receiver}, into {@code opened}. */
    private void carry(PathCipher sender, PathCipher receiver) throws WireDecodeException {
        sealed.clear();
        sender.seal(packet, sealed);
        opened.clear();
        receiver.open(sealed, opened);
    }
}
