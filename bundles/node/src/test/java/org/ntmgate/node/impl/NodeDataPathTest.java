package org.ntmgate.node.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.role.MemoryQueue;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.PathCipher;

/**
 * The node's two data paths and its signalling without root: datagrams from the tunnel end through its UDP pipeline
 * ({@link NtmNode#pipeline}: {@link FromTunnel}, the login challenges, wire's decoder, {@link NodeSignalling}) on an
 * embedded channel, and packets from the TUN device through {@link ToTunnel}
 * (gateway mode included), a queue in memory in place of the device. Each case checks packets and counters.
 */
class NodeDataPathTest {
    private static final byte[] SELF = address("fd4e:746d:0:1::5");
    private static final byte[] PEER = address("fd4e:746d:0:2::1");
    private static final byte[] LAN_HOST = address("fd00:4c41:4e::20");
    private static final InetSocketAddress RSN = new InetSocketAddress("203.0.113.1", 4712);
    private static final InetSocketAddress NODE = new InetSocketAddress("192.0.2.10", 40000);
    private static final long PATH_ID = 0x0102030405060708L;
    private static final byte[] KEY = new byte[32];

    private final MemoryQueue queue = new MemoryQueue();
    private final NodeCounters counters = new NodeCounters();
    private final NodeTunnels tunnels = new NodeTunnels();
    private final FromTunnel fromTunnel = new FromTunnel(tunnels, counters);
    private final NodeExchange exchange = new NodeExchange(RSN, new NodeExchange.Reachability() {
        @Override
        public void answered() {
        }

        @Override
        public void silent(String why) {
        }
    });
    private final EmbeddedChannel udp = new EmbeddedChannel(NtmNode.pipeline(fromTunnel, exchange, new NodeSignalling(exchange, tunnels, counters, () -> null), counters));
    /** The RS-N's end of the path. */
    private final PathCipher rsn = new PathCipher(KEY, PATH_ID, false, 0);
    private final NodePath path = new NodePath(PATH_ID, "files.lab.example", PEER, KEY, 1, 3600, RSN, 1400, System.currentTimeMillis());

    NodeDataPathTest() {
        tunnels.add(path);
    }

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
    }

    // ---- signalling (the decoder, then NodeSignalling) -------------------------------------------------------

    @Test
    void aTeardownFromTheTunnelEndClosesThePathAndIsAnswered() throws Exception {
        byte[] teardown = message(Message.builder(MessageType.TEARDOWN).transactionId(11).id(PATH_ID).u8(TlvType.STATUS, ErrorCode.NOT_ALLOWED), path.signalling, 7);
        receive(teardown);
        assertFalse(tunnels.has(PATH_ID), "protocol.md 7.10.1: the path is gone");
        DatagramPacket answer = udp.readOutbound();
        assertNotNull(answer, "the node answered");
        assertEquals(RSN, answer.recipient());
        Message m = new MessageCodec().decode(answer.content(), (id, t, n) -> path.signalling);
        answer.release();
        assertEquals(MessageType.TEARDOWN, m.type());
        assertEquals(0, m.u8(TlvType.STATUS));

        receive(teardown); // again: the path is gone, nothing is answered
        assertNull(udp.readOutbound());
        assertEquals(Map.of(Drop.UNKNOWN_PATH, 1L), nonZero());
    }

    // ---- tunnel -> TUN (FromTunnel) ------------------------------------------------------------------------

    @Test
    void dataFromTheTunnelGoesToTheDevice() {
        fromTunnel.open(new FromTunnel.Link(queue, null, SELF));
        byte[] inner = udpPacket(PEER, SELF, 300);
        receive(seal(rsn, inner));
        List<byte[]> out = queue.written();
        assertEquals(1, out.size());
        assertArrayEquals(inner, out.get(0), "the inner packet as the peer sent it");
        assertEquals(1, counters.packets(NodeCounters.RECEIVED));
        assertEquals(Map.of(), nonZero());
    }

    @Test
    void dataDropsAreCountedByReason() {
        receive(seal(rsn, udpPacket(PEER, SELF, 10))); // before the TUN device is open
        fromTunnel.open(new FromTunnel.Link(queue, null, SELF));
        byte[] once = seal(rsn, udpPacket(PEER, SELF, 10));
        receive(once);
        receive(once);
        byte[] tampered = seal(rsn, udpPacket(PEER, SELF, 10));
        tampered[tampered.length - 2] ^= 1;
        receive(tampered);
        receive(seal(new PathCipher(KEY, PATH_ID + 1, false, 0), udpPacket(PEER, SELF, 10)));
        receive(new byte[] { 1 });
        // an authentic TUNNEL_KEEPALIVE_ACK that no request of this node waits for, and the same again (a replay)
        byte[] unexpected = message(Message.builder(MessageType.TUNNEL_KEEPALIVE_ACK).transactionId(5).id(PATH_ID), path.signalling, 1);
        receive(unexpected);
        receive(unexpected);
        assertEquals(1, queue.written().size(), "only the one good packet reaches the device");
        assertEquals(Map.of(Drop.TUN_WRITE, 1L, Drop.REPLAY, 2L, Drop.BAD_TAG, 1L, Drop.UNKNOWN_PATH, 1L, Drop.MALFORMED, 1L, Drop.UNEXPECTED, 1L), nonZero());
        assertNull(udp.readOutbound(), "nothing is answered");
    }

    @Test
    void aReplyToALanHostGoesBackToIt() throws Exception {
        LanTranslator lan = new LanTranslator(Prefix.parse("fd00:4c41:4e::/64"), SELF, 61000, 61999);
        FromTunnel.Link link = new FromTunnel.Link(queue, lan, SELF);
        fromTunnel.open(link);
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, link);
        DatagramBatch batch = new DatagramBatch(udp, false);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(LAN_HOST, PEER, 20)), batch);
        batch.flush();
        DatagramPacket out = udp.readOutbound();
        assertNotNull(out);
        IpPacket sent = parse(open(out));
        assertTrue(sent.sourceIs(SELF), "the LAN host's flow left with the node's address");
        int port = sent.sourcePort();
        assertTrue(port >= 61000 && port <= 61999, "and a port of the LAN range: " + port);
        receive(seal(rsn, udpPacket(PEER, SELF, 5000, port, 20)));
        IpPacket back = parse(queue.written().get(0));
        assertTrue(back.destinationIs(LAN_HOST), "the reply went back to the LAN host");
        assertEquals(5000, back.destinationPort());
    }

    // ---- TUN -> tunnel (ToTunnel) --------------------------------------------------------------------------

    @Test
    void aPacketFromThisHostIsSealedIntoItsPath() throws Exception {
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, null, SELF));
        DatagramBatch batch = new DatagramBatch(udp, false);
        byte[] inner = udpPacket(SELF, PEER, 500);
        toTunnel.packet(Unpooled.wrappedBuffer(inner), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(inner), batch);
        batch.flush();
        udp.runPendingTasks();
        for (int i = 0; i < 2; i++) {
            DatagramPacket d = udp.readOutbound();
            assertNotNull(d, "datagram " + i);
            assertEquals(RSN, d.recipient());
            assertArrayEquals(inner, open(d));
        }
        assertEquals(2, counters.packets(NodeCounters.SENT));
        assertEquals(Map.of(), nonZero());
    }

    @Test
    void tunDropsAreCountedAndTooBigIsAnswered() throws Exception {
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, null, SELF));
        LanTranslator lan = new LanTranslator(Prefix.parse("fd00:4c41:4e::/64"), SELF, 61000, 61999);
        ToTunnel gateway = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, lan, SELF));
        DatagramBatch batch = new DatagramBatch(udp, false);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(SELF, address("fd4e:746d:0:2::99"), 10)), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(address("fd99::1"), PEER, 10)), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(new byte[] { 0x60, 0, 0, 0 }), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(SELF, PEER, 1500)), batch);
        gateway.packet(Unpooled.wrappedBuffer(neighbourSolicitation(LAN_HOST, PEER)), batch);
        batch.flush();
        assertNull(udp.readOutbound(), "nothing goes into the tunnel");
        assertEquals(Map.of(Drop.NO_PATH, 1L, Drop.WRONG_SOURCE, 1L, Drop.MALFORMED, 1L, Drop.TOO_BIG, 1L, Drop.LAN_UNMAPPED, 1L), nonZero());
        List<byte[]> back = queue.written();
        assertEquals(1, back.size(), "one Packet Too Big to the application");
        IpPacket ptb = parse(back.get(0));
        assertEquals(PacketBuilder.ICMPV6_PACKET_TOO_BIG, ptb.icmpType());
        assertTrue(ptb.sourceIs(PEER) && ptb.destinationIs(SELF));
        assertEquals(1400, Unpooled.wrappedBuffer(back.get(0)).getInt(ptb.transportOffset() + 4));
    }

    /**
     * What the kernel sends on the node's new TUN device by itself (router solicitations from the link-local
     * address, MLD reports and duplicate address detection from ::, to multicast groups: here with those addresses)
     * is left unsent and counted apart, not as drops of traffic (protocol.md 11.3).
     */
    @Test
    void theKernelsOwnPacketsOnTheDeviceAreNeitherSentNorDrops() throws Exception {
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, null, SELF));
        DatagramBatch batch = new DatagramBatch(udp, false);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(address("fe80::8f2:1"), address("ff02::2"), 8)), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(address("::"), address("ff02::16"), 8)), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(address("fe80::8f2:1"), PEER, 8)), batch);
        toTunnel.packet(Unpooled.wrappedBuffer(udpPacket(SELF, address("ff02::1"), 8)), batch);
        batch.flush();
        assertNull(udp.readOutbound(), "nothing goes into the tunnel");
        assertEquals(Map.of(), nonZero());
        assertEquals(4, counters.locals());
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    /** One datagram in, as one receive batch (the embedded channel ends each write with a read-complete). */
    private void receive(byte[] datagram) {
        udp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), NODE, RSN));
    }

    private byte[] open(DatagramPacket d) {
        ByteBuf inner = Unpooled.buffer(2000);
        try {
            rsn.open(d.content(), inner);
        } catch (org.ntmgate.wire.WireDecodeException e) {
            throw new AssertionError(e);
        } finally {
            d.release();
        }
        return ByteBufUtil.getBytes(inner);
    }

    private static byte[] seal(PathCipher cipher, byte[] inner) {
        ByteBuf out = Unpooled.buffer(inner.length + PathCipher.OVERHEAD);
        cipher.seal(Unpooled.wrappedBuffer(inner), out);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] udpPacket(byte[] src, byte[] dst, int payload) {
        return udpPacket(src, dst, 5000, 80, payload);
    }

    private static byte[] udpPacket(byte[] src, byte[] dst, int sourcePort, int destinationPort, int payload) {
        ByteBuf out = Unpooled.buffer();
        PacketBuilder.udp(out, src, dst, sourcePort, destinationPort, Unpooled.wrappedBuffer(new byte[payload]));
        return ByteBufUtil.getBytes(out);
    }

    /** ICMPv6 type 135: no port to tell LAN hosts apart by. */
    private static byte[] neighbourSolicitation(byte[] src, byte[] dst) {
        ByteBuf out = Unpooled.buffer();
        PacketBuilder.ipv6Header(out, src, dst, 58, 24);
        out.writeByte(135).writeByte(0).writeShort(0).writeInt(0).writeBytes(dst);
        return ByteBufUtil.getBytes(out);
    }

    private static IpPacket parse(byte[] packet) {
        IpPacket ip = new IpPacket();
        assertEquals(ParseStatus.OK, ip.parse(Unpooled.wrappedBuffer(packet)));
        return ip;
    }

    private Map<Drop, Long> nonZero() {
        return counters.drops().entrySet().stream().filter(e -> e.getValue() > 0).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static byte[] address(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] message(Message.Builder b, MacKey key, long sequence) {
        return new MessageCodec().toBytes(b.sequence(sequence).keyId(key.id()).build(), key);
    }
}