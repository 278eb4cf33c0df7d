package org.ntmgate.teredo.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.role.MemoryQueue;
import org.ntmgate.teredo.impl.ClientLink.Drop;
import org.ntmgate.wire.DatagramBatch;

/**
 * The Teredo client's data path without root or a server: its socket handler ({@link FromPeers}) on an embedded
 * channel and its TUN side ({@link TeredoPeers}) on a queue in memory, with the state a qualification leaves (our
 * address, mapping, local address). Each case checks the datagrams sent, the packets written and the counters.
 */
class TeredoClientDataPathTest {
    private static final InetSocketAddress SERVER = new InetSocketAddress("192.0.2.1", 3544);
    private static final InetSocketAddress SECONDARY = new InetSocketAddress("192.0.2.2", 3544);
    private static final InetSocketAddress MAPPED = new InetSocketAddress("198.51.100.2", 40001);
    private static final InetSocketAddress LOCAL = new InetSocketAddress("10.0.0.2", 3545);
    private static final InetSocketAddress PEER_MAPPING = new InetSocketAddress("203.0.113.9", 50000);
    private static final InetSocketAddress RELAY = new InetSocketAddress("203.0.113.77", 3544);
    private static final byte[] US = TeredoAddress.ofClient(v4("192.0.2.1"), 0x1234, MAPPED.getPort(), v4("198.51.100.2")).toBytes();
    private static final byte[] PEER = TeredoAddress.ofClient(v4("192.0.2.1"), 0x5678, PEER_MAPPING.getPort(), v4("203.0.113.9")).toBytes();
    private static final byte[] NATIVE = address("2001:db8:6::80");

    private final ClientLink link = new ClientLink(SERVER, SECONDARY, false);
    private final TeredoPeers peers = new TeredoPeers(link);
    private final MemoryQueue queue = new MemoryQueue();
    private EmbeddedChannel udp;
    private DatagramBatch batch;

    @BeforeEach
    void qualified() {
        link.queue = queue;
        udp = new EmbeddedChannel(new FromPeers(link, peers)); // channelActive gives the link its channel
        link.ourAddress = US;
        link.mapped = MAPPED;
        link.local = LOCAL;
        batch = new DatagramBatch(udp, false);
    }

    @AfterEach
    void close() {
        udp.finishAndReleaseAll();
    }

    @Test
    void aTeredoPeerIsReachedAfterTheBubbleExchange() throws Exception {
        byte[] first = udpPacket(US, PEER, 100);
        peers.packet(Unpooled.wrappedBuffer(first), batch);
        assertEquals(List.of(PEER_MAPPING, SERVER), recipients(), "5.2.6: a bubble to the peer's mapping and one through its server");
        receive(bubble(PEER, US), PEER_MAPPING); // the peer answers from its mapping
        DatagramPacket held = udp.readOutbound();
        assertNotNull(held, "the packet that waited goes now");
        assertEquals(PEER_MAPPING, held.recipient());
        assertArrayEquals(first, bytes(held));
        byte[] second = udpPacket(US, PEER, 200);
        peers.packet(Unpooled.wrappedBuffer(second), batch);
        batch.flush();
        DatagramPacket direct = udp.readOutbound();
        assertEquals(PEER_MAPPING, direct.recipient(), "from now on straight to the mapping");
        assertArrayEquals(second, bytes(direct));
        byte[] reply = udpPacket(PEER, US, 300);
        receive(reply, PEER_MAPPING);
        assertArrayEquals(reply, queue.written().get(0), "the peer's packet reaches the IPv6 side");
        assertEquals(2, peers.toPeers.sum());
        assertEquals(1, peers.fromPeers.sum());
        assertEquals(Map.of(), nonZero());
    }

    @Test
    void aNativeHostIsReachedThroughTheRelayTheTestFinds() throws Exception {
        byte[] packet = udpPacket(US, NATIVE, 100);
        peers.packet(Unpooled.wrappedBuffer(packet), batch);
        DatagramPacket test = udp.readOutbound();
        assertEquals(SERVER, test.recipient(), "5.2.9: an echo request through our server");
        byte[] echo = bytes(test);
        assertEquals(128, echo[40] & 0xFF);
        long nonce = Unpooled.wrappedBuffer(echo).getLong(48);
        receive(echoReply(NATIVE, US, nonce), RELAY);
        DatagramPacket held = udp.readOutbound();
        assertEquals(RELAY, held.recipient(), "the relay that answered carries the host's packets");
        assertArrayEquals(packet, bytes(held));
        byte[] reply = udpPacket(NATIVE, US, 50);
        receive(reply, RELAY);
        assertArrayEquals(reply, queue.written().get(0));
        receive(udpPacket(NATIVE, US, 50), new InetSocketAddress("203.0.113.99", 3544)); // another relay claims the host
        assertEquals(0, queue.written().size(), "held for a test, not written");
        assertEquals(Map.of(), nonZero());
    }

    @Test
    void dropsAreCountedByReason() throws Exception {
        receive(new byte[] { 1, 2, 3 }, PEER_MAPPING);
        receive(udpPacket(PEER, address("2001:0:c000:201::1"), 10), PEER_MAPPING);
        receive(udpPacket(PEER, US, 10), new InetSocketAddress("203.0.113.9", 50001));
        receive(udpPacket(NATIVE, US, 10), SERVER); // from our server with no origin indication
        peers.packet(Unpooled.wrappedBuffer(udpPacket(address("2001:0:c000:201::9"), PEER, 10)), batch);
        peers.packet(Unpooled.wrappedBuffer(udpPacket(US, address("fe80::1"), 10)), batch);
        link.ourAddress = null; // not qualified
        receive(udpPacket(PEER, US, 10), PEER_MAPPING);
        peers.packet(Unpooled.wrappedBuffer(udpPacket(US, PEER, 10)), batch);
        batch.flush();
        assertNull(udp.readOutbound(), "nothing is sent");
        assertEquals(0, queue.written().size(), "nothing is written");
        assertEquals(Map.of(Drop.NOT_TEREDO, 1L, Drop.NOT_FOR_US, 1L, Drop.SPOOFED_SOURCE, 1L, Drop.UNKNOWN_SERVER_PACKET, 1L, Drop.NOT_OURS, 3L,
                Drop.NOT_QUALIFIED, 1L), nonZero());
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private void receive(byte[] datagram, InetSocketAddress from) {
        udp.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(datagram), LOCAL, from));
    }

    private List<InetSocketAddress> recipients() {
        List<InetSocketAddress> to = new java.util.ArrayList<>();
        for (DatagramPacket d; (d = udp.readOutbound()) != null;) {
            to.add(d.recipient());
            d.release();
        }
        return to;
    }

    private static byte[] bytes(DatagramPacket d) {
        try {
            return ByteBufUtil.getBytes(d.content());
        } finally {
            d.release();
        }
    }

    private static byte[] bubble(byte[] src, byte[] dst) {
        ByteBuf b = Unpooled.buffer();
        TeredoDatagram.writeBubble(b, src, dst, 255);
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] echoReply(byte[] src, byte[] dst, long nonce) {
        ByteBuf b = Unpooled.buffer();
        PacketBuilder.echoRequest(b, src, dst, (int) (nonce >>> 48), (int) (nonce >>> 32) & 0xFFFF, Unpooled.copyLong(nonce));
        b.setByte(40, PacketBuilder.ICMPV6_ECHO_REPLY); // the same packet as a reply (the checksum is not the client's to check)
        return ByteBufUtil.getBytes(b);
    }

    private static byte[] udpPacket(byte[] src, byte[] dst, int payload) {
        ByteBuf out = Unpooled.buffer();
        PacketBuilder.udp(out, src, dst, 5000, 80, Unpooled.wrappedBuffer(new byte[payload]));
        return ByteBufUtil.getBytes(out);
    }

    private Map<Drop, Long> nonZero() {
        return link.drops.snapshot().entrySet().stream().filter(e -> e.getValue() > 0).collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    private static Inet4Address v4(String a) {
        return (Inet4Address) address4(a);
    }

    private static InetAddress address4(String a) {
        try {
            return InetAddress.getByName(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] address(String a) {
        return address4(a).getAddress();
    }
}
