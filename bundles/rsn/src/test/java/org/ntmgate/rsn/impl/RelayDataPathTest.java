package org.ntmgate.rsn.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.role.MemoryQueue;
import org.ntmgate.rsn.impl.RelayCounters.Drop;
import org.ntmgate.table.TableFixture;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.PathCipher;
import org.ntmgate.wire.TlvType;
import org.osgi.util.converter.Converters;

/**
 * The RS-N's two data paths and its signalling without root: datagrams through its UDP pipeline ({@link ToReal},
 * wire's signalling decoder, {@link RelaySignalling}) on an embedded channel, and packets from the network through {@link ToNode}, both on a
 * queue in memory in place of the TUN device. Each case checks the packets that come out and the counters.
 */
class RelayDataPathTest {
    private static final String KEY = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf";
    private static final byte[] NODE_VIRTUAL = address("fd4e:746d:0:1::5");
    private static final byte[] GENERAL_VIRTUAL = address("fd4e:746d:0:2::1");
    private static final byte[] REAL = address("2001:db8:6::80");
    private static final InetSocketAddress NODE = new InetSocketAddress("198.51.100.7", 40000);
    private static final InetSocketAddress RSN = new InetSocketAddress("203.0.113.1", 4712);
    private static final InetSocketAddress DC = new InetSocketAddress("203.0.113.2", 4711);
    private static final MacKey DC_KEY = new MacKey(1, HexFormat.of().parseHex(KEY));
    private static final long PATH_ID = 0x1122334455667788L;
    private static final byte[] PATH_KEY = new byte[32];

    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Executor inline = Runnable::run;
    private final MemoryQueue queue = new MemoryQueue();
    private final RelayCounters counters = new RelayCounters();
    private final MessageCodec codec = new MessageCodec();
    private RsnSettings settings;
    private RelayPaths paths;
    private RelayParts parts;
    private EmbeddedChannel udp;
    private RelayPath path;
    private PathCipher node;

    @BeforeEach
    void relayWithOnePath() throws Exception {
        settings = RsnSettings.of(Converters.standardConverter().convert(Map.of("bindAddress", "127.0.0.1", "port", 0, "dcKeys", new String[] { "1 " + KEY },
                "egressPrefix", "2001:db8:e::/64", "tunName", "ntmrsn0", "innerMtu", 1400)).to(RsnConfig.class));
        paths = new RelayPaths(settings, TableFixture.open(1000, 300), new PathStore(dir.resolve("paths.txt")), now::get, inline);
        parts = new RelayParts(settings, paths, queue, counters, now::get);
        udp = new EmbeddedChannel(Relay.pipeline(parts, new RelaySignalling(parts)));
        path = addPath(new RelayLimits(0, 0, 0));
        node = new PathCipher(PATH_KEY, PATH_ID, true, 0);
    }

    private RelayPath addPath(RelayLimits limits) throws Exception {
        RelayPath p = new RelayPath(PATH_ID, 42, 1, PATH_KEY, 3600, NODE_VIRTUAL, GENERAL_VIRTUAL, paths.allocateEgress(), REAL, "files.lab.example", limits,
                now.get());
        p.sendLimit = PathStore.BLOCK;
        paths.attach(p);
        return p;
    }

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
    }

    // ---- node -> network (ToReal) ------------------------------------------------------------------------

    @Test
    void dataFromTheNodeLeavesTranslatedOnTheQueue() {
        receive(sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 100)));
        assertEquals(0, queue.held(), "the end of the receive batch wrote what it offered");
        List<byte[]> out = queue.written();
        assertEquals(1, out.size());
        IpPacket ip = parse(out.get(0));
        assertTrue(ip.sourceIs(path.egress), "the node's virtual source became its egress address");
        assertTrue(ip.destinationIs(REAL), "the general node's virtual destination became its real address");
        assertEquals(1, counters.packets(RelayCounters.TO_REAL));
        assertEquals(1, path.toReal.packets());
        assertEquals(NODE, path.endpoint, "the first authentic packet gives the path its endpoint");
        assertEquals(Map.of(), nonZero(counters.drops()));
    }

    @Test
    void dataDropsAreCountedByReason() {
        receive(sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10)));
        byte[] once = sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10));
        receive(once);
        receive(once);
        receive(sealed(udpPacket(address("fd4e:746d:0:1::99"), GENERAL_VIRTUAL, 10)));
        receive(sealed(udpPacket(new byte[] { (byte) 192, 0, 2, 1 }, new byte[] { (byte) 192, 0, 2, 2 }, 10)));
        byte[] tampered = sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10));
        tampered[tampered.length - 1] ^= 1;
        receive(tampered);
        PathCipher stranger = new PathCipher(PATH_KEY, PATH_ID + 1, true, 0);
        receive(seal(stranger, udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10)));
        udp.pipeline().fireChannelReadComplete();
        assertEquals(2, queue.written().size(), "only the two good packets reach the network");
        assertEquals(Map.of(Drop.REPLAY, 1L, Drop.WRONG_ADDRESS, 1L, Drop.NOT_IPV6, 1L, Drop.BAD_TAG, 1L, Drop.UNKNOWN_PATH, 1L), nonZero(counters.drops()));
    }

    @Test
    void aNodeOverItsPacketRateIsHeldBack() throws Exception {
        paths.detach(path, "test");
        path = addPath(new RelayLimits(0, 0, 2)); // two packets a second
        for (int i = 0; i < 3; i++) {
            receive(sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10)));
        }
        udp.pipeline().fireChannelReadComplete();
        assertEquals(2, queue.written().size());
        assertEquals(Map.of(Drop.RATE_LIMITED, 1L), nonZero(counters.drops()));
        now.addAndGet(1000);
        receive(sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10)));
        udp.pipeline().fireChannelReadComplete();
        assertEquals(1, queue.written().size(), "a second later the bucket has tokens again");
    }

    @Test
    void otherDatagramsGoOnToSignalling() {
        receive(new byte[] { 1, 99, 0, 0 });
        assertEquals(Map.of(Drop.MALFORMED, 1L), nonZero(counters.drops()));
        assertNull(udp.readOutbound(), "nothing is answered");
    }

    // ---- network -> node (ToNode) -----------------------------------------------------------------------

    @Test
    void aReplyFromTheNetworkIsSealedIntoThePath() throws Exception {
        receive(sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10))); // the path learns its endpoint
        ToNode toNode = new ToNode(parts);
        DatagramBatch batch = new DatagramBatch(udp, false);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(REAL, path.egress, 200)), batch);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(REAL, path.egress, 200)), batch);
        batch.flush();
        udp.runPendingTasks();
        for (int i = 0; i < 2; i++) {
            DatagramPacket d = udp.readOutbound();
            assertNotNull(d, "datagram " + i + " to the node");
            assertEquals(NODE, d.recipient());
            ByteBuf inner = Unpooled.buffer(2000);
            node.open(d.content(), inner);
            d.release();
            IpPacket ip = parse(ByteBufUtil.getBytes(inner));
            assertTrue(ip.sourceIs(GENERAL_VIRTUAL), "the real source became the general node's virtual address");
            assertTrue(ip.destinationIs(NODE_VIRTUAL), "the egress destination became the node's virtual address");
        }
        assertEquals(2, counters.packets(RelayCounters.TO_NODE));
        assertEquals(2, path.toNode.packets());
        assertEquals(Map.of(), nonZero(counters.drops()));
    }

    @Test
    void networkDropsAreCountedAndTooBigIsAnswered() throws Exception {
        receive(sealed(udpPacket(NODE_VIRTUAL, GENERAL_VIRTUAL, 10)));
        udp.pipeline().fireChannelReadComplete();
        queue.written();
        ToNode toNode = new ToNode(parts);
        DatagramBatch batch = new DatagramBatch(udp, false);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(REAL, address("2001:db8:e::9"), 10)), batch); // no node has this egress
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(address("2001:db8:7::1"), path.egress, 10)), batch); // no path to that host
        toNode.packet(Unpooled.wrappedBuffer(new byte[] { 0x60, 0, 0 }), batch);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(REAL, path.egress, 1500)), batch);
        batch.flush();
        udp.runPendingTasks();
        assertNull(udp.readOutbound(), "nothing goes to the node");
        assertEquals(Map.of(Drop.NO_PATH, 2L, Drop.MALFORMED, 1L, Drop.TOO_BIG, 1L), nonZero(counters.drops()));
        List<byte[]> back = queue.written();
        assertEquals(1, back.size(), "one Packet Too Big to the sender");
        IpPacket ptb = parse(back.get(0));
        assertEquals(PacketBuilder.ICMPV6_PACKET_TOO_BIG, ptb.icmpType());
        assertTrue(ptb.destinationIs(REAL));
        assertEquals(1400, Unpooled.wrappedBuffer(back.get(0)).getInt(ptb.transportOffset() + 4), "the MTU it names is the tunnel's");
    }

    /**
     * What the kernel sends on the RS-N's new TUN device by itself (router solicitations, MLD reports: a link-local
     * or unspecified source, a multicast destination; here with those addresses) is left unsent and counted apart,
     * not as drops of traffic (protocol.md 11.3).
     */
    @Test
    void theKernelsOwnPacketsOnTheDeviceAreNeitherSentNorDrops() throws Exception {
        ToNode toNode = new ToNode(parts);
        DatagramBatch batch = new DatagramBatch(udp, false);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(address("fe80::1"), address("ff02::2"), 8)), batch);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(address("::"), address("ff02::16"), 8)), batch);
        toNode.packet(Unpooled.wrappedBuffer(udpPacket(address("fe80::1"), path.egress, 8)), batch);
        batch.flush();
        udp.runPendingTasks();
        assertNull(udp.readOutbound(), "nothing goes to the node");
        assertEquals(Map.of(), nonZero(counters.drops()));
        assertEquals(3, counters.locals());
    }

    // ---- signalling (SignallingDecoder, then RelaySignalling) ---------------------------------------------

    @Test
    void aRelayDirectionMakesAPathAndItsRetransmissionGetsTheSameAnswer() throws Exception {
        long pathId = 0x99;
        byte[] direction = message(Message.builder(MessageType.RELAY_DIRECTION).transactionId(7).id(pathId)
                .tlv(TlvType.VIRTUAL_V6, address("fd4e:746d:0:1::6")).endpoint(TlvType.PEER_VIRTUAL, InetAddress.getByName("fd4e:746d:0:2::2"), 0)
                .fqdn("www.lab.example").endpoint(TlvType.REAL_ADDRESS, InetAddress.getByName("2001:db8:6::81"), 0).u64(TlvType.NODE_ID, 43)
                .tlv(TlvType.SEALED_KEY, KeySealer.seal(HexFormat.of().parseHex(KEY), MessageType.RELAY_DIRECTION, 7, pathId, 77, 3600, new byte[32]))
                .tlv(TlvType.RELAY_LIMITS, new byte[20]), DC_KEY, 1);
        udp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(direction), RSN, DC));
        byte[] ack = sent(DC);
        Message m = codec.decode(Unpooled.wrappedBuffer(ack), (id, t, n) -> DC_KEY);
        assertEquals(MessageType.RELAY_DIRECTION_ACK, m.type());
        assertEquals(0, m.u8(TlvType.STATUS));
        assertTrue(m.tlv(TlvType.EGRESS).isPresent(), "the answer names the path's egress address");
        assertNotNull(paths.path(pathId), "the path is there");

        udp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(direction), RSN, DC)); // its ACK was lost: the DC sends it again
        assertArrayEquals(ack, sent(DC), "protocol.md 6.3: the held answer again, byte for byte");
        assertEquals(1, counters.directions(), "the retransmission made no second path");
        assertEquals(Map.of(), nonZero(counters.drops()));
    }

    @Test
    void aKeepAliveWithThePathsKeyIsAnsweredAndItsReplayFromElsewhereDropped() throws Exception {
        byte[] keepAlive = message(Message.builder(MessageType.TUNNEL_KEEPALIVE).transactionId(9).id(PATH_ID), PathCipher.signallingKey(PATH_KEY, PATH_ID, 1), 5);
        receive(keepAlive);
        Message m = codec.decode(Unpooled.wrappedBuffer(sent(NODE)), (id, t, n) -> PathCipher.signallingKey(PATH_KEY, PATH_ID, 1));
        assertEquals(MessageType.TUNNEL_KEEPALIVE_ACK, m.type());
        assertEquals(PATH_ID, m.id());

        udp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(keepAlive), RSN, new InetSocketAddress("192.0.2.66", 4000)));
        assertNull(udp.readOutbound(), "a replay from another address is answered with nothing");
        assertEquals(Map.of(Drop.REPLAY, 1L), nonZero(counters.drops()));
    }

    @Test
    void signallingForAnUnknownPathWithAWrongKeyOrKeylessIsDroppedByReason() throws Exception {
        receive(message(Message.builder(MessageType.TUNNEL_KEEPALIVE).transactionId(1).id(PATH_ID + 1), PathCipher.signallingKey(PATH_KEY, PATH_ID, 1), 1));
        receive(message(Message.builder(MessageType.TUNNEL_KEEPALIVE).transactionId(2).id(PATH_ID), new MacKey(1, PATH_KEY), 2)); // K_path itself
        receive(message(Message.builder(MessageType.TUNNEL_KEEPALIVE).transactionId(3).id(PATH_ID), PathCipher.signallingKey(PATH_KEY, PATH_ID, 2), 3));
        receive(message(Message.builder(MessageType.LOGIN_REQUEST).transactionId(4).fqdn("x.example.net"), null, 4));
        receive(new byte[] { 0x10, 0x07, 0, 3 });
        assertNull(udp.readOutbound(), "none of them is answered");
        assertEquals(Map.of(Drop.UNKNOWN_PATH, 1L, Drop.BAD_MAC, 1L, Drop.UNKNOWN_KEY, 1L, Drop.MALFORMED, 2L), nonZero(counters.drops()));
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** A signalling message MACed with {@code key} (null: keyless), with sequence number {@code sequence}. */
    private byte[] message(Message.Builder b, MacKey key, long sequence) {
        return codec.toBytes(b.sequence(sequence).keyId(key == null ? 0 : key.id()).build(), key);
    }

    /** The one datagram the RS-N sent, to {@code to}. */
    private byte[] sent(InetSocketAddress to) {
        DatagramPacket p = udp.readOutbound();
        assertNotNull(p, "the RS-N answered");
        assertEquals(to, p.recipient());
        byte[] bytes = ByteBufUtil.getBytes(p.content());
        p.release();
        return bytes;
    }

    /** One datagram in, as one receive batch (the embedded channel ends each write with a read-complete). */
    private void receive(byte[] datagram) {
        udp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), RSN, NODE));
    }

    private byte[] sealed(byte[] inner) {
        return seal(node, inner);
    }

    private static byte[] seal(PathCipher cipher, byte[] inner) {
        ByteBuf out = Unpooled.buffer(inner.length + PathCipher.OVERHEAD);
        cipher.seal(Unpooled.wrappedBuffer(inner), out);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] udpPacket(byte[] src, byte[] dst, int payload) {
        ByteBuf out = Unpooled.buffer();
        PacketBuilder.udp(out, src, dst, 5000, 80, Unpooled.wrappedBuffer(new byte[payload]));
        return ByteBufUtil.getBytes(out);
    }

    private static IpPacket parse(byte[] packet) {
        IpPacket ip = new IpPacket();
        assertEquals(ParseStatus.OK, ip.parse(Unpooled.wrappedBuffer(packet)), "a well-formed packet: " + Arrays.toString(packet));
        return ip;
    }

    private static Map<Drop, Long> nonZero(Map<Drop, Long> drops) {
        return drops.entrySet().stream().filter(e -> e.getValue() > 0).collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
