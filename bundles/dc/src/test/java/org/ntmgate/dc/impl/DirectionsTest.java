package org.ntmgate.dc.impl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntmgate.dc.testing.KnotServer;
import org.ntmgate.dc.testing.TestNode;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * Direction Requests and DNS (protocol.md 7.4-7.7, 14) over real UDP on loopback, with a real Knot DNS server serving
 * the zones of two DCs (with their SRV records), a zone of general nodes, and two zones whose DC is silent or has no
 * key. Test sockets play the nodes, the RS-N and the silent DC.
 */
class DirectionsTest {
    private static final byte[] K_AD = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    private static final byte[] K_DR = HexFormat.of().parseHex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef");
    private static final byte[] K_DD = HexFormat.of().parseHex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20");
    private static final int DR_KEY_ID = 11;
    private static final int DD_KEY_ID = 21;
    private static final int WAIT = 10_000;
    private static final DcSettings.Timers SHORT = new DcSettings.Timers(Duration.ofMillis(100), Duration.ofMillis(400), 3);

    private static KnotServer knot;
    private static int dc1Port;
    private static int dc2Port;
    private static DatagramSocket silentDc;

    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    private final SmallPools pools1 = new SmallPools();
    private final SmallPools pools2 = new SmallPools();
    private final AtomicReference<RelayPolicy> policy = new AtomicReference<>(new TestPolicy());
    private final List<AutoCloseable> closing = new ArrayList<>();
    private Coordinator dc1;
    private Coordinator dc2;
    private InetSocketAddress dc1Address;
    private InetSocketAddress dc2Address;
    private TestNode rsn;

    /** Denies destinations named secret.*, allows the rest with 4 sessions. */
    static final class TestPolicy implements RelayPolicy {
        @Override
        public RelayDecision decide(RelayRequest r) {
            if (r.destinationFqdn() != null && r.destinationFqdn().startsWith("secret.")) {
                return RelayDecision.deny("destination " + r.destinationFqdn() + " matches denyDestinations entry 'secret.example.com'");
            }
            return RelayDecision.allow("open", limitsFor(r.nodeFqdn()));
        }

        @Override
        public RelayLimits limitsFor(String nodeFqdn) {
            return new RelayLimits(4, 1_000_000, 1000);
        }

        @Override
        public RelayDecision check(RelayRequest r) {
            return decide(r);
        }

        @Override
        public java.util.List<org.ntmgate.api.policy.RelayRefusal> recentRefusals() {
            return java.util.List.of();
        }
    }

    @BeforeAll
    static void startDns() throws Exception {
        dc1Port = KnotServer.freePort();
        dc2Port = KnotServer.freePort();
        silentDc = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        knot = new KnotServer(Map.of(
                "dc1.example.net", "_ntm-dc._udp SRV 0 0 " + dc1Port + " dc\ndc A 127.0.0.1\n",
                "dc2.example.org", "_ntm-dc._udp SRV 0 0 " + dc2Port + " dc\ndc A 127.0.0.1\n",
                "dc3.example.org", "_ntm-dc._udp SRV 0 0 " + silentDc.getLocalPort() + " dc\ndc A 127.0.0.1\n",
                "dc4.example.org", "_ntm-dc._udp SRV 0 0 9 dc\ndc A 127.0.0.1\n",
                "example.com", "gn AAAA 2001:db8:300::80\nv4only A 198.51.100.80\nsecret AAAA 2001:db8:300::99\nslow AAAA 2001:db8:300::81\nfresh AAAA 2001:db8:300::82\n"));
    }

    @AfterAll
    static void stopDns() throws Exception {
        knot.close();
        silentDc.close();
    }

    @BeforeEach
    void startDcs() throws Exception {
        rsn = new TestNode("rsn-1", "127.0.0.1", null, DR_KEY_ID, K_DR);
        closing.add(rsn);
        dc1 = dc("dc1.example.net", dc1Port, pools1, List.of(new DcSettings.PeerDc("dc2.example.org", DD_KEY_ID, K_DD),
                new DcSettings.PeerDc("dc3.example.org", DD_KEY_ID + 1, K_DD)), SHORT);
        dc1Address = new InetSocketAddress("127.0.0.1", dc1Port);
        dc2 = dc("dc2.example.org", dc2Port, pools2, List.of(new DcSettings.PeerDc("dc1.example.net", DD_KEY_ID, K_DD)), SHORT);
        dc2Address = new InetSocketAddress("127.0.0.1", dc2Port);
        rsn.dc = dc1Address;
    }

    private Coordinator dc(String zone, int port, SmallPools pools, List<DcSettings.PeerDc> peers, DcSettings.Timers timers) throws Exception {
        TSIG tsig = new TSIG(TSIG.HMAC_SHA256, Name.fromString(KnotServer.TSIG_NAME + "."), Base64.getDecoder().decode(KnotServer.TSIG_SECRET));
        DcSettings s = DcSettings.basic(new InetSocketAddress("127.0.0.1", port), id -> id == 3 ? K_AD : null, Duration.ofSeconds(90), knot.address)
                .withZone(zone, tsig, List.of(new DcSettings.Relay("rsn-1", rsn.local(), DR_KEY_ID, K_DR)), peers).withTimers(timers);
        Coordinator c = new Coordinator(pools, s, clock::get, () -> {
        }, policy::get, zone.getBytes(StandardCharsets.US_ASCII));
        c.start();
        return c;
    }

    @AfterEach
    void stopDcs() throws Exception {
        dc1.close();
        dc2.close();
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private TestNode node(String fqdn, InetSocketAddress dc) throws Exception {
        TestNode n = new TestNode(fqdn, "127.0.0.1", dc);
        closing.add(n);
        return n;
    }

    private Instant later() {
        return Instant.ofEpochMilli(clock.get()).plusSeconds(3600);
    }

    /** A node registered at {@code dc}, behind a NAT or not (it then reports a made-up inside address). */
    private TestNode registered(String fqdn, InetSocketAddress dc, boolean behindNat) throws Exception {
        TestNode n = node(fqdn, dc);
        n.registered(behindNat ? new InetSocketAddress("10.0.0.2", 40000) : n.local(), n.ticket(3, K_AD, later()));
        return n;
    }

    private static int errorOf(Message m) {
        assertEquals(MessageType.ERROR, m.type(), () -> "expected an ERROR, got " + m);
        return m.u16(TlvType.ERROR_CODE);
    }

    private static String textOf(Message m) {
        return new String(m.bytes(TlvType.ERROR_TEXT), StandardCharsets.UTF_8);
    }

    /** The node's next ERROR, asserted to carry {@code code} and a text containing {@code text}. */
    private static Message refused(TestNode n, int code, String text) throws Exception {
        Message e = n.receive(MessageType.ERROR, WAIT);
        assertEquals(code, errorOf(e));
        assertTrue(textOf(e).contains(text), textOf(e));
        return e;
    }

    /** The next answer to the node's direction request: a ROUTE_DIRECTION or an ERROR. */
    private static Message answer(TestNode n) throws Exception {
        Message m = n.receiveOrNull(WAIT);
        assertTrue(m != null, n.fqdn + " got no answer to its direction request");
        return m;
    }

    private static void ack(TestNode n, Message request, MessageType type) throws Exception {
        n.answer(request, Message.builder(type).u8(TlvType.STATUS, 0));
    }

    private List<InetAddress> dnsAddresses(String fqdn) throws Exception {
        SimpleResolver r = new SimpleResolver(knot.address);
        r.setTimeout(Duration.ofSeconds(2));
        org.xbill.DNS.Message response = r.send(org.xbill.DNS.Message.newQuery(Record.newRecord(Name.fromString(fqdn + "."), Type.A, DClass.IN)));
        return response.getSection(Section.ANSWER).stream().filter(x -> x instanceof org.xbill.DNS.ARecord)
                .map(x -> ((org.xbill.DNS.ARecord) x).getAddress()).toList();
    }

    /** Polls {@code probe} until {@code done} holds of its value or 10 s pass; returns the last value seen. */
    private static <T> T poll(Callable<T> probe, Predicate<T> done) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        T seen = probe.call();
        while (!done.test(seen) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            seen = probe.call();
        }
        return seen;
    }

    private void awaitDns(String fqdn, List<InetAddress> expected) throws Exception {
        assertEquals(expected, poll(() -> dnsAddresses(fqdn), expected::equals), fqdn + " in DNS; knot log:\n" + knot.log());
    }

    /**
     * The server shows a name as soon as it has applied the update, which is before its answer reaches the DC's
     * updater and the updater counts it; so the count is waited for too, within the same bound.
     */
    private void awaitUpdatesSent(long expected) throws Exception {
        assertEquals(expected, (long) poll(() -> dc1.zoneUpdater().sent(), n -> n >= expected), "DNS updates the server accepted");
    }

    @Test
    void aRegisteredNodeIsPublishedInItsZoneAndWithdrawnWhenItExpires() throws Exception {
        String name = "p" + System.nanoTime() + ".dc1.example.net"; // the zone outlives each test: a name of its own
        assertEquals(List.of(), dnsAddresses(name));
        registered(name, dc1Address, true);
        awaitDns(name, List.of(InetAddress.getByName("127.0.0.1")));
        awaitUpdatesSent(1);
        clock.addAndGet(91_000);
        // seen once in many runs: 0 expired. The message says what the DC held then, for the next time it happens
        assertEquals(1, dc1.expire(), () -> "clock " + Instant.ofEpochMilli(clock.get()) + "; registrations: " + dc1.registrations().stream()
                .map(r -> r.record().fqdn() + " last contact " + r.record().lastContact() + " lifetime " + r.record().lifetime()).toList());
        awaitDns(name, List.of());
        awaitUpdatesSent(2);
        TestNode outside = registered("x.elsewhere.example", dc1Address, false);
        assertTrue(dc1.registry().byFqdn(outside.fqdn).isPresent(), "a node outside the zone is registered, only not published");
    }

    @Test
    void aGeneralNodeWithOnlyAnAaaaRecordIsReachedThroughTheRelay() throws Exception {
        TestNode a = registered("a.dc1.example.net", dc1Address, true);
        byte[] request = a.direction("gn.example.com", 6);
        Message relay = rsn.receive(MessageType.RELAY_DIRECTION, WAIT);
        InetAddress virtualV6 = dc1.registry().byId(a.nodeId).orElseThrow().virtualV6();
        assertArrayEquals(virtualV6.getAddress(), relay.bytes(TlvType.VIRTUAL_V6));
        assertEquals(InetAddress.getByName("2001:db8:300::80"), relay.address(TlvType.REAL_ADDRESS));
        assertEquals("gn.example.com", relay.fqdn());
        assertEquals(a.nodeId, relay.u64(TlvType.NODE_ID));
        InetAddress gnVirtual = relay.address(TlvType.PEER_VIRTUAL);
        assertEquals("2001:db8:300:0:0:0:0:80", pools1.leaseOf(gnVirtual).orElseThrow().owner());
        KeySealer.SealedKey forRelay = KeySealer.open(K_DR, relay);
        assertEquals(4, java.nio.ByteBuffer.wrap(relay.bytes(TlvType.RELAY_LIMITS)).getInt(), "the policy's limits travel to the RS-N");
        rsn.answer(relay, Message.builder(MessageType.RELAY_DIRECTION_ACK).u8(TlvType.STATUS, 0)
                .endpoint(TlvType.EGRESS, InetAddress.getByName("2001:db8:400::1"), 0));

        Message route = a.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.RELAY.code(), route.u8(TlvType.ROUTE_MODE));
        assertEquals(rsn.local(), route.endpoint(TlvType.ENDPOINT));
        assertEquals(gnVirtual, route.address(TlvType.PEER_VIRTUAL));
        assertEquals(relay.id(), route.id(), "one path id at both ends");
        KeySealer.SealedKey forNode = KeySealer.open(a.keyBytes, route);
        assertArrayEquals(forRelay.key(), forNode.key(), "the node and the RS-N got the same K_path");
        assertEquals(forRelay.keyId(), forNode.keyId());
        assertEquals(1400, route.u16(TlvType.INNER_MTU));

        a.sendRaw(request);
        assertEquals(route, a.receive(MessageType.ROUTE_DIRECTION, WAIT), "a retransmitted request gets the held answer (8.2)");
        ack(a, route, MessageType.ROUTE_DIRECTION_ACK);
        assertEquals(0, (int) poll(() -> dc1.outstanding().size(), n -> n == 0), "the acknowledgement ends the route direction's retransmissions");
        assertEquals(1, dc1.directions().routed());
        assertEquals("relay rsn-1 to 2001:db8:300::80 as " + org.ntmgate.api.net.AddressFormat.format(gnVirtual.getAddress()), dc1.directions().paths().iterator().next().how());

        a.direction("gn.example.com", 6);
        Message again = rsn.receive(MessageType.RELAY_DIRECTION, WAIT);
        assertEquals(gnVirtual, again.address(TlvType.PEER_VIRTUAL), "asking again keeps the general node's virtual address");
        assertEquals(relay.id(), again.id(), "and its path id");
    }

    @Test
    void everyErrorPathAnswersWithItsCode() throws Exception {
        TestNode a = registered("a.dc1.example.net", dc1Address, true);

        a.direction("missing.example.com", 6);
        assertEquals(ErrorCode.NO_SUCH_NAME, errorOf(answer(a)));

        a.direction("v4only.example.com", 6);
        Message e = answer(a);
        assertEquals(ErrorCode.NO_USABLE_FAMILY, errorOf(e));
        assertTrue(textOf(e).contains("no AAAA record"), textOf(e));

        a.direction("secret.example.com", 6);
        e = answer(a);
        assertEquals(ErrorCode.NO_RELAY_ALLOWED, errorOf(e));
        assertTrue(textOf(e).contains("denyDestinations entry 'secret.example.com'"), "the text names the rule: " + textOf(e));

        policy.set(null);
        a.direction("gn.example.com", 6);
        e = answer(a);
        assertEquals(ErrorCode.NO_RELAY_ALLOWED, errorOf(e));
        assertTrue(textOf(e).contains("no relay policy service"), textOf(e));
        policy.set(new TestPolicy());

        a.direction("gn.example.com", 6); // the RS-N stays silent
        long start = System.nanoTime();
        e = a.receive(MessageType.ERROR, WAIT);
        assertEquals(ErrorCode.RELAY_TIMEOUT, errorOf(e));
        assertTrue(System.nanoTime() - start >= SHORT.budget().toNanos() - 50_000_000L, "after the retries, not before");
        int relayed = 0;
        while (rsn.receiveOrNull(50) != null) {
            relayed++;
        }
        assertEquals(SHORT.tries(), relayed, "the RELAY_DIRECTION was sent " + SHORT.tries() + " times, byte for byte");
        assertEquals(1, pools1.leasesOf("2001:db8:300:0:0:0:0:80").size(), "a failed direction keeps the general node's address: other nodes share it (7.4)");

        a.direction("slow.example.com", 6);
        Message relay = rsn.receive(MessageType.RELAY_DIRECTION, WAIT);
        rsn.answer(relay, Message.builder(MessageType.RELAY_DIRECTION_ACK).u8(TlvType.STATUS, ErrorCode.RELAY_FULL)
                .tlv(TlvType.ERROR_TEXT, "no egress address left".getBytes(StandardCharsets.UTF_8)));
        e = refused(a, ErrorCode.RELAY_FULL, "relay rsn-1 refused: RELAY_FULL (no egress address left)");

        try {
            for (int i = 0; i < 10; i++) {
                pools1.allocate(AddressFamily.IPV6, PoolPurpose.GENERAL_NODE, "filler" + i);
            }
        } catch (org.ntmgate.api.pool.PoolException full) {
            // the pool is now exhausted
        }
        a.direction("fresh.example.com", 6); // a general node without an address yet
        e = answer(a);
        assertEquals(ErrorCode.POOL_EXHAUSTED, errorOf(e));
        assertTrue(textOf(e).contains("exhausted"), textOf(e));

        long badTlv = dc1.wireCounters().dropped(WireDecodeException.Reason.BAD_TLV);
        a.send(Message.builder(MessageType.DIRECTION_REQUEST).transactionId(7).sequence(++a.seq).id(a.nodeId).keyId(a.key.id())
                .fqdn("gn.example.com").u8(TlvType.ADDRESS_FAMILY, 5).build());
        assertNull(a.receiveOrNull(300), "a malformed request is dropped (10.1), not answered");
        assertEquals(badTlv + 1, dc1.wireCounters().dropped(WireDecodeException.Reason.BAD_TLV));
    }

    @Test
    void aTargetNodeThatDoesNotAcknowledgeIsNodeUnreachable() throws Exception {
        TestNode a = registered("a.dc1.example.net", dc1Address, false);
        TestNode b = registered("b.dc1.example.net", dc1Address, false);
        a.direction("b.dc1.example.net", 6);
        b.receive(MessageType.ROUTE_DIRECTION, WAIT); // and stays silent
        refused(a, ErrorCode.NODE_UNREACHABLE, "b.dc1.example.net did not acknowledge");
    }

    @Test
    void twoNodesOfThisDcAreDirectedAccordingToTheirNats() throws Exception {
        TestNode a = registered("a.dc1.example.net", dc1Address, false);
        TestNode b = registered("b.dc1.example.net", dc1Address, false);
        TestNode c = registered("c.dc1.example.net", dc1Address, true);
        TestNode d = registered("d.dc1.example.net", dc1Address, true);

        // Neither behind a NAT: DIRECT, each end told the other's observed endpoint and virtual address.
        a.direction("b.dc1.example.net", 6);
        Message toB = b.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.DIRECT.code(), toB.u8(TlvType.ROUTE_MODE));
        assertEquals(a.local(), toB.endpoint(TlvType.ENDPOINT));
        assertEquals(dc1.registry().byId(a.nodeId).orElseThrow().virtualV6(), toB.address(TlvType.PEER_VIRTUAL));
        assertNull(a.receiveOrNull(300), "the requester waits until the target acknowledged");
        ack(b, toB, MessageType.ROUTE_DIRECTION_ACK);
        Message toA = a.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.DIRECT.code(), toA.u8(TlvType.ROUTE_MODE));
        assertEquals(b.local(), toA.endpoint(TlvType.ENDPOINT));
        assertEquals(dc1.registry().byId(b.nodeId).orElseThrow().virtualV6(), toA.address(TlvType.PEER_VIRTUAL));
        assertEquals(toA.id(), toB.id());
        assertArrayEquals(KeySealer.open(a.keyBytes, toA).key(), KeySealer.open(b.keyBytes, toB).key());

        // One behind a NAT: that side initiates.
        a.direction("c.dc1.example.net", 4);
        Message toC = c.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.NAT_SIDE_INITIATOR.code(), toC.u8(TlvType.ROUTE_MODE));
        assertEquals(dc1.registry().byId(a.nodeId).orElseThrow().virtualV4(), toC.address(TlvType.PEER_VIRTUAL), "family 4: IPv4 virtual addresses");
        ack(c, toC, MessageType.ROUTE_DIRECTION_ACK);
        assertEquals(Route.Mode.NAT_SIDE_INITIATOR.code(), a.receive(MessageType.ROUTE_DIRECTION, WAIT).u8(TlvType.ROUTE_MODE));

        // Both behind NATs: a node-to-node relay (7.7.1), both ends tunnel to the RS-N.
        c.direction("d.dc1.example.net", 6);
        Message relay = rsn.receive(MessageType.RELAY_DIRECTION, WAIT);
        assertEquals(Route.Mode.RELAY.code(), relay.u8(TlvType.ROUTE_MODE));
        assertEquals(c.nodeId, relay.u64(TlvType.NODE_ID));
        assertTrue(relay.tlv(TlvType.FQDN).isEmpty() && relay.tlv(TlvType.REAL_ADDRESS).isEmpty(), "nothing to translate");
        ack(rsn, relay, MessageType.RELAY_DIRECTION_ACK);
        Message toD = d.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.RELAY.code(), toD.u8(TlvType.ROUTE_MODE));
        assertEquals(rsn.local(), toD.endpoint(TlvType.ENDPOINT));
        ack(d, toD, MessageType.ROUTE_DIRECTION_ACK);
        Message toC2 = c.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(rsn.local(), toC2.endpoint(TlvType.ENDPOINT));
        assertArrayEquals(KeySealer.open(K_DR, relay).key(), KeySealer.open(c.keyBytes, toC2).key());
        assertEquals(3, dc1.directions().routed());
        assertEquals(3, dc1.directions().paths().size());
        clock.addAndGet(Duration.ofHours(1).toMillis() + 1000);
        dc1.expire();
        assertEquals(0, dc1.directions().paths().size(), "paths are forgotten after their lifetime");
    }

    @Test
    void aNodeOfASecondDcInAnotherZoneIsReachedThroughThatDc() throws Exception {
        TestNode a = registered("a.dc1.example.net", dc1Address, false);
        TestNode b = registered("b.dc2.example.org", dc2Address, true);
        a.direction("b.dc2.example.org", 6);
        Message toB = b.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.NAT_SIDE_INITIATOR.code(), toB.u8(TlvType.ROUTE_MODE), "b is behind a NAT and initiates");
        assertEquals(a.local(), toB.endpoint(TlvType.ENDPOINT), "the asking DC passed on where it saw its node");
        assertEquals(dc1.registry().byId(a.nodeId).orElseThrow().virtualV6(), toB.address(TlvType.PEER_VIRTUAL));
        ack(b, toB, MessageType.ROUTE_DIRECTION_ACK);
        Message toA = a.receive(MessageType.ROUTE_DIRECTION, WAIT);
        assertEquals(Route.Mode.NAT_SIDE_INITIATOR.code(), toA.u8(TlvType.ROUTE_MODE));
        assertEquals(b.local(), toA.endpoint(TlvType.ENDPOINT));
        assertEquals(dc2.registry().byId(b.nodeId).orElseThrow().virtualV6(), toA.address(TlvType.PEER_VIRTUAL));
        assertEquals(toA.id(), toB.id(), "the asking DC's path id is used at both ends");
        assertArrayEquals(KeySealer.open(a.keyBytes, toA).key(), KeySealer.open(b.keyBytes, toB).key(), "one K_path, carried across DCs");
        assertTrue(dc1.directions().paths().iterator().next().how().contains("through the DC of zone dc2.example.org"));

        a.direction("nobody.dc2.example.org", 6);
        Message e = refused(a, ErrorCode.NO_SUCH_NAME, "the DC of zone dc2.example.org");

        a.direction("x.dc3.example.org", 6); // its DC is silent
        e = refused(a, ErrorCode.PEER_DC_FAILED, "did not answer");

        a.direction("x.dc4.example.org", 6); // no K_dd configured for that zone
        refused(a, ErrorCode.PEER_DC_FAILED, "no key for it");
    }

    @Test
    void garbageForgeriesReplaysAndAFloodAreDroppedWhileAGoodNodeGetsItsDirection() throws Exception {
        TestNode flooder = registered("f.dc1.example.net", dc1Address, true);
        TestNode good = registered("g.dc1.example.net", dc1Address, true);
        TestNode stranger = node("s.dc1.example.net", dc1Address);
        java.util.Random r = new java.util.Random(7);
        byte[] valid = flooder.direction("v4only.example.com", 6);
        assertEquals(ErrorCode.NO_USABLE_FAMILY, errorOf(answer(flooder)));
        long drops = dc1.wireCounters().droppedTotal();
        // Authentic requests beyond the node's in-progress limit are refused, not queued (10.3): the RS-N stays silent.
        for (int i = 0; i < Directions.MAX_IN_PROGRESS_PER_NODE + 8; i++) {
            flooder.direction("gn.example.com", 6);
        }
        stranger.sendRaw(valid); // a replay from elsewhere
        byte[] forged = valid.clone();
        forged[forged.length - 3] ^= 4;
        flooder.sendRaw(forged);
        flooder.sendRaw(java.util.Arrays.copyOf(valid, valid.length - 5));
        for (int i = 0; i < 500; i++) {
            byte[] junk = new byte[1 + r.nextInt(200)];
            r.nextBytes(junk);
            if (i % 2 == 0 && junk.length > 30) {
                System.arraycopy(valid, 0, junk, 0, 28); // a plausible header with a known key id
            }
            flooder.sendRaw(junk);
        }
        Message relay = null;
        for (int attempt = 0; attempt < 5 && relay == null; attempt++) {
            good.direction("slow.example.com", 6);
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (relay == null && System.nanoTime() < deadline) {
                Message m = rsn.receiveOrNull(500);
                if (m != null && m.type() == MessageType.RELAY_DIRECTION && m.u64(TlvType.NODE_ID) == good.nodeId) {
                    relay = m;
                }
            }
        }
        assertTrue(relay != null, "the good node's direction reached the RS-N during the flood");
        ack(rsn, relay, MessageType.RELAY_DIRECTION_ACK);
        assertEquals(MessageType.ROUTE_DIRECTION, good.receive(MessageType.ROUTE_DIRECTION, WAIT).type());
        int limited = 0;
        for (Message m = flooder.receiveOrNull(2000); m != null; m = flooder.receiveOrNull(500)) {
            if (m.type() == MessageType.ERROR && m.u16(TlvType.ERROR_CODE) == ErrorCode.RATE_LIMITED) {
                limited++;
            }
        }
        assertTrue(limited >= 1, "requests beyond the limit were answered RATE_LIMITED; drops " + java.util.Arrays.stream(WireDecodeException.Reason.values())
                .map(x -> x + "=" + dc1.wireCounters().dropped(x)).toList());
        assertTrue(dc1.wireCounters().dropped(WireDecodeException.Reason.REPLAY) >= 1);
        assertTrue(dc1.wireCounters().dropped(WireDecodeException.Reason.BAD_MAC) >= 1);
        assertTrue(dc1.wireCounters().droppedTotal() - drops >= 250, "the junk was counted: " + (dc1.wireCounters().droppedTotal() - drops));
        assertFalse(dc1.registry().byFqdn("s.dc1.example.net").isPresent());
    }
}
