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
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.table.TableFixture;
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
        fromTunnel.open(new FromTunnel.Link(queue, null, SELF, null));
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
        fromTunnel.open(new FromTunnel.Link(queue, null, SELF, null));
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
        FromTunnel.Link link = new FromTunnel.Link(queue, lan, SELF, null);
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
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, null, SELF, null));
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
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, null, SELF, null));
        LanTranslator lan = new LanTranslator(Prefix.parse("fd00:4c41:4e::/64"), SELF, 61000, 61999);
        ToTunnel gateway = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, lan, SELF, null));
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
        ToTunnel toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, null, SELF, null));
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

    // ---- the IPv4 service (protocol.md 11.6) --------------------------------------------------------------

    /** IPv4 from this host and an IPv4 LAN, translated into the path of the peer its pool address stands for, and back. */
    @Nested
    class Ipv4 {
        private final byte[] self4 = address("10.201.0.5");
        private final byte[] lanHost4 = address("192.168.1.20");
        private final TranslationTable table = TableFixture.open(1000, 300);
        private final VirtualIpv4 pool = new VirtualIpv4(Prefix.parse("100.127.0.0/16"));
        private final LanTranslator flows = new LanTranslator(null, SELF, 61000, 61999);
        private final FromTunnel.Link link;
        private final ToTunnel toTunnel;
        private final DatagramBatch batch = new DatagramBatch(udp, false);
        private final byte[] peer4;

        Ipv4() throws Exception {
            pool.table(table);
            link = new FromTunnel.Link(queue, flows, SELF, new Ipv4Service(pool, flows, self4, Prefix.parse("192.168.1.0/24")));
            fromTunnel.open(link);
            toTunnel = new ToTunnel(tunnels, counters, link);
            peer4 = pool.map(PEER, EntryOwner.of(1, PATH_ID)).getAddress();
        }

        /** What {@code v4} (from the TUN device) became in the tunnel, as the RS-N opens it; null when nothing went. */
        private IpPacket sent(byte[] v4) throws Exception {
            toTunnel.packet(Unpooled.wrappedBuffer(v4), batch);
            batch.flush();
            DatagramPacket d = udp.readOutbound();
            return d == null ? null : parse(open(d));
        }

        @Test
        void theMappingIsATableEntryOfItsKindAndAPeerKeepsItsAddress() {
            List<TranslationEntry> entries = table.entries(e -> e.kind() == EntryKind.NODE_IPV4);
            assertEquals(1, entries.size());
            assertArrayEquals(peer4, entries.get(0).virtualSide().addressBytes());
            assertArrayEquals(PEER, entries.get(0).realSide().addressBytes());
            assertArrayEquals(peer4, pool.map(PEER, EntryOwner.of(1, PATH_ID)).getAddress(), "the same peer, the same address");
            assertFalse(java.util.Arrays.equals(peer4, pool.map(address("fd4e:746d:0:2::9"), EntryOwner.of(1, 9)).getAddress()));
            VirtualIpv4 restarted = new VirtualIpv4(Prefix.parse("100.127.0.0/16"));
            restarted.table(table);
            assertEquals(2, restarted.mappings(), "a node started again takes the table's entries back");
            assertArrayEquals(peer4, restarted.map(PEER, EntryOwner.of(1, PATH_ID)).getAddress());
        }

        @Test
        void udpFromThisHostGoesOutTranslatedAndTheReplyComesBackAsIpv4() throws Exception {
            IpPacket out = sent(udp4(self4, peer4, 5353, 53, 100));
            assertNotNull(out);
            assertEquals(6, out.version());
            assertTrue(out.sourceIs(SELF) && out.destinationIs(PEER), "from the node's virtual address to the peer's");
            int port = out.sourcePort();
            assertTrue(port >= 61000 && port <= 61999, "a port of the node's range: " + port);
            assertEquals(ParseStatus.OK, out.verifyTransportChecksum());

            receive(seal(rsn, udpPacket(PEER, SELF, 53, port, 100)));
            IpPacket back = parse(queue.written().get(0));
            assertEquals(4, back.version());
            assertTrue(back.sourceIs(peer4) && back.destinationIs(self4));
            assertEquals(5353, back.destinationPort());
            assertEquals(ParseStatus.OK, back.verifyTransportChecksum());
            assertEquals(Map.of(), nonZero());
            assertTrue(table.entries(e -> e.kind() == EntryKind.NODE_IPV4).get(0).packetsToReal() >= 1, "the entry's counters move");
        }

        @Test
        void anIpv4LanHostAndEchoGoThroughAndForeignSourcesDoNot() throws Exception {
            IpPacket out = sent(echo4(lanHost4, peer4, 77));
            assertNotNull(out);
            assertEquals(PacketBuilder.ICMPV6_ECHO_REQUEST, out.icmpType());
            int id = out.buffer().getUnsignedShort(out.transportOffset() + 4);
            assertTrue(id >= 61000 && id <= 61999);
            ByteBuf reply = Unpooled.buffer();
            PacketBuilder.ipv6Header(reply, PEER, SELF, 58, 8 + 16);
            reply.writeByte(PacketBuilder.ICMPV6_ECHO_REPLY).writeByte(0).writeShort(0).writeShort(id).writeShort(1).writeZero(16);
            IpPacket r = parse(ByteBufUtil.getBytes(reply));
            r.computeTransportChecksum();
            receive(seal(rsn, ByteBufUtil.getBytes(r.buffer())));
            IpPacket back = parse(queue.written().get(0));
            assertEquals(PacketBuilder.ICMP_ECHO_REPLY, back.icmpType());
            assertTrue(back.destinationIs(lanHost4));
            assertEquals(77, back.buffer().getUnsignedShort(back.transportOffset() + 4), "the host's own identifier");
            assertEquals(ParseStatus.OK, back.verifyTransportChecksum());

            assertNull(sent(udp4(address("10.9.9.9"), peer4, 1, 2, 10)));
            assertNull(sent(udp4(self4, address("100.127.200.200"), 1, 2, 10)));
            assertNull(sent(udp4(self4, address("198.51.100.7"), 1, 2, 10)));
            assertEquals(Map.of(Drop.WRONG_SOURCE, 1L, Drop.NO_MAPPING, 1L, Drop.NO_PATH, 1L), nonZero());
        }

        @Test
        void anEntryTheTableNoLongerHoldsMapsNothing() throws Exception {
            table.removeByOwner(EntryOwner.of(1, PATH_ID));
            assertNull(sent(udp4(self4, peer4, 1, 2, 10)));
            assertEquals(Map.of(Drop.NO_MAPPING, 1L), nonZero());
        }

        @Test
        void aSynsMssIsLoweredBothWays() throws Exception {
            IpPacket syn = sent(syn4(self4, peer4, 40000, 80, 1460));
            assertEquals(1340, mss(syn), "the inner MTU less IPv6's 60 bytes");
            assertEquals(ParseStatus.OK, syn.verifyTransportChecksum());
            ByteBuf synAck = Unpooled.buffer();
            PacketBuilder.tcp(synAck, PEER, SELF, 80, syn.sourcePort(), 1, 2, 0x12, Unpooled.wrappedBuffer(new byte[0]));
            byte[] withMss = withMss(ByteBufUtil.getBytes(synAck), 1440);
            receive(seal(rsn, withMss));
            IpPacket back = parse(queue.written().get(0));
            assertEquals(1340, mss(back));
            assertEquals(ParseStatus.OK, back.verifyTransportChecksum());
        }

        @Test
        void icmpErrorsCrossWithTheirQuotedPacketsTranslated() throws Exception {
            byte[] udpOut = udp4(self4, peer4, 5353, 53, 40);
            IpPacket out = sent(udpOut);
            int port = out.sourcePort();
            // the peer's port was closed: its ICMPv6 error quotes the translated packet
            ByteBuf unreach = Unpooled.buffer();
            byte[] quoted = ByteBufUtil.getBytes(out.buffer(), out.start(), out.length());
            PacketBuilder.ipv6Header(unreach, PEER, SELF, 58, 8 + quoted.length);
            unreach.writeByte(1).writeByte(4).writeShort(0).writeInt(0).writeBytes(quoted);
            IpPacket u = parse(ByteBufUtil.getBytes(unreach));
            u.computeTransportChecksum();
            receive(seal(rsn, ByteBufUtil.getBytes(u.buffer())));
            IpPacket err = parse(queue.written().get(0));
            assertEquals(4, err.version());
            assertEquals(3, err.icmpType(), "Destination Unreachable");
            assertEquals(3, err.buffer().getUnsignedByte(err.transportOffset() + 1), "port unreachable");
            assertEquals(ParseStatus.OK, err.verifyTransportChecksum());
            IpPacket inner = parse(ByteBufUtil.getBytes(err.buffer(), err.transportOffset() + 8, err.transportLength() - 8));
            assertTrue(inner.sourceIs(self4) && inner.destinationIs(peer4), "the quoted packet is the host's own again");
            assertEquals(5353, inner.sourcePort());

            // this host's port was closed: its ICMPv4 error goes out about the peer's packet
            receive(seal(rsn, udpPacket(PEER, SELF, 53, port, 20)));
            List<byte[]> arrivedNow = queue.written(); // what arrived since the error
            assertEquals(1, arrivedNow.size(), "the peer's packet arrived: " + nonZero());
            byte[] arrived = arrivedNow.get(0);
            ByteBuf e4 = Unpooled.buffer();
            PacketBuilder.ipv4Header(e4, self4, peer4, 1, 8 + arrived.length, 0);
            e4.writeByte(3).writeByte(3).writeShort(0).writeInt(0).writeBytes(arrived);
            IpPacket e = parse(ByteBufUtil.getBytes(e4));
            e.computeTransportChecksum();
            IpPacket six = sent(ByteBufUtil.getBytes(e.buffer()));
            assertNotNull(six, "the error went out: " + nonZero());
            assertEquals(1, six.icmpType());
            assertEquals(4, six.buffer().getUnsignedByte(six.transportOffset() + 1));
            assertTrue(six.sourceIs(SELF) && six.destinationIs(PEER));
            assertEquals(ParseStatus.OK, six.verifyTransportChecksum());
            IpPacket q6 = parse(ByteBufUtil.getBytes(six.buffer(), six.transportOffset() + 8, six.transportLength() - 8));
            assertTrue(q6.sourceIs(PEER) && q6.destinationIs(SELF), "the quoted packet as the peer sent it");
            assertEquals(port, q6.destinationPort());
            assertEquals(ParseStatus.OK, q6.verifyTransportChecksum());
        }

        @Test
        void tooBigWithDfIsAnsweredAndWithoutDfLeavesInFragments() throws Exception {
            assertNull(sent(udp4(self4, peer4, 1, 2, 1390)), "1418 bytes with DF");
            IpPacket fn = parse(queue.written().get(0));
            assertEquals(3, fn.icmpType());
            assertEquals(4, fn.buffer().getUnsignedByte(fn.transportOffset() + 1), "Fragmentation Needed");
            assertEquals(1380, fn.buffer().getUnsignedShort(fn.transportOffset() + 6), "what the IPv4 side may send");
            assertTrue(fn.destinationIs(self4));

            byte[] noDf = udp4(self4, peer4, 1, 2, 1390);
            setFlags(noDf, 0);
            toTunnel.packet(Unpooled.wrappedBuffer(noDf), batch);
            batch.flush();
            udp.runPendingTasks();
            int total = 0;
            for (int i = 0; i < 2; i++) {
                DatagramPacket d = udp.readOutbound();
                assertNotNull(d, "fragment " + i + ": " + nonZero());
                IpPacket f = parse(open(d));
                assertTrue(f.isFragment() && f.length() <= 1400);
                total += f.length() - 48;
            }
            assertEquals(8 + 1390, total, "the whole datagram in two fragments");
            assertEquals(Map.of(Drop.TOO_BIG, 1L), nonZero());
        }

        @Test
        void laterFragmentsFollowTheirFirstAndGarbageIsCountedAndDropped() throws Exception {
            byte[] first = udp4(self4, peer4, 5000, 53, 64);
            setFlags(first, 0x2000);
            assertNotNull(sent(first));
            byte[] later = udp4(self4, peer4, 5000, 53, 64);
            setFlags(later, 0x0010); // offset 128, the last
            IpPacket l = sent(later);
            assertNotNull(l);
            assertTrue(l.sourceIs(SELF) && l.fragmentOffset() == 16);
            byte[] orphan = udp4(self4, peer4, 5000, 53, 64);
            orphan[4] = 0x55; // another datagram
            setFlags(orphan, 0x0010);
            assertNull(sent(orphan));
            byte[] routed = withOption(udp4(self4, peer4, 5000, 53, 8), new byte[] { (byte) 131, 7, 4, (byte) 192, 0, 2, 1, 0 });
            assertNull(sent(routed));
            assertNull(sent(new byte[] { 0x45, 0, 0, 20, 0, 0, 0, 0, 64, 17, 0, 0, 1, 2, 3, 4 }));
            assertEquals(Map.of(Drop.FRAGMENT_UNMAPPED, 1L, Drop.V4_UNTRANSLATABLE, 1L, Drop.MALFORMED, 1L), nonZero());
            assertNotNull(sent(udp4(self4, peer4, 5000, 53, 10)), "and the next good packet goes through");
        }

        private byte[] udp4(byte[] src, byte[] dst, int sp, int dp, int payload) {
            return udpPacket(src, dst, sp, dp, payload);
        }

        private byte[] echo4(byte[] src, byte[] dst, int id) {
            ByteBuf b = Unpooled.buffer();
            PacketBuilder.echoRequest(b, src, dst, id, 1, Unpooled.wrappedBuffer(new byte[16]));
            return ByteBufUtil.getBytes(b);
        }

        private byte[] syn4(byte[] src, byte[] dst, int sp, int dp, int mss) {
            ByteBuf b = Unpooled.buffer();
            PacketBuilder.tcp(b, src, dst, sp, dp, 1, 0, 0x02, Unpooled.wrappedBuffer(new byte[0]));
            return withMss(ByteBufUtil.getBytes(b), mss);
        }
    }

    /** {@code tcp} (no options) with an MSS option, lengths and checksums made right again. */
    private static byte[] withMss(byte[] tcp, int mss) {
        IpPacket p = parse(tcp);
        int t = p.transportOffset();
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(tcp, 0, t + 20).writeByte(2).writeByte(4).writeShort(mss).writeBytes(tcp, t + 20, tcp.length - t - 20);
        b.setByte(t + 12, 6 << 4);
        if (p.version() == 4) {
            b.setShort(2, b.readableBytes());
            b.setShort(10, 0);
            b.setShort(10, org.ntmgate.packet.InternetChecksum.finish(org.ntmgate.packet.InternetChecksum.sum(b, 0, 20)));
        } else {
            b.setShort(4, b.readableBytes() - 40);
        }
        IpPacket q = parse(ByteBufUtil.getBytes(b));
        q.computeTransportChecksum();
        return ByteBufUtil.getBytes(q.buffer());
    }

    private static int mss(IpPacket p) {
        return p.buffer().getUnsignedShort(p.transportOffset() + 22);
    }

    private static void setFlags(byte[] v4, int flagsAndOffset) {
        ByteBuf b = Unpooled.wrappedBuffer(v4);
        b.setShort(6, flagsAndOffset);
        b.setShort(10, 0);
        b.setShort(10, org.ntmgate.packet.InternetChecksum.finish(org.ntmgate.packet.InternetChecksum.sum(b, 0, 20)));
    }

    private static byte[] withOption(byte[] v4, byte[] option) {
        ByteBuf b = Unpooled.buffer();
        b.writeBytes(v4, 0, 20).writeBytes(option).writeBytes(v4, 20, v4.length - 20);
        b.setByte(0, 0x40 | (20 + option.length) / 4);
        b.setShort(2, b.readableBytes());
        b.setShort(10, 0);
        b.setShort(10, org.ntmgate.packet.InternetChecksum.finish(org.ntmgate.packet.InternetChecksum.sum(b, 0, 20 + option.length)));
        return ByteBufUtil.getBytes(b);
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