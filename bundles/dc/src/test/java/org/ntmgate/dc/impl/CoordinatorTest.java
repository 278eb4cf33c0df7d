package org.ntmgate.dc.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.dc.testing.TestNode;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;

/** The DC's registration service over real UDP on loopback; a test client plays the node, tickets are minted as the AS would. */
class CoordinatorTest {
    private static final byte[] K_AD = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
    private final SmallPools pools = new SmallPools();
    private final SecureRandom random = new SecureRandom();
    private final MessageCodec codec = new MessageCodec();
    private List<Registration> persisted = List.of();
    private final java.util.Map<Long, Long> revoked = new java.util.concurrent.ConcurrentHashMap<>();
    private Coordinator dc;
    private InetSocketAddress address;

    @BeforeEach
    void start() throws Exception {
        dc = new Coordinator(pools, settings(), clock::get, () -> persisted = dc.registrations(), () -> null, new byte[32], revoked);
        address = dc.start();
    }

    private static DcSettings settings() {
        return DcSettings.basic(new InetSocketAddress("127.0.0.1", 0), id -> id == 3 ? K_AD : null, Duration.ofSeconds(90),
                new InetSocketAddress("127.0.0.1", 9));
    }

    @AfterEach
    void stop() {
        dc.close();
    }

    private TestNode node(String fqdn, String bind) throws Exception {
        return new TestNode(fqdn, bind, address);
    }

    private Instant later() {
        return Instant.ofEpochMilli(clock.get()).plusSeconds(3600);
    }

    @Test
    void registrationGivesVirtualAddressesAndTellsNatFromNoNat() throws Exception {
        try (TestNode natted = node("a.example.net", "127.0.0.1"); TestNode direct = node("b.example.net", "127.0.0.1")) {
            natted.register(new InetSocketAddress("198.51.100.7", 4000), natted.ticket(3, K_AD, later()));
            Message r = natted.receive();
            assertEquals(MessageType.REGISTER_RESPONSE, r.type());
            assertEquals(natted.nodeId, r.u64(TlvType.NODE_ID));
            assertTrue(r.address(TlvType.VIRTUAL_V4).getHostAddress().startsWith("192.0.2."));
            assertEquals(natted.local(), r.endpoint(TlvType.OBSERVED_ENDPOINT));
            NodeRecord a = dc.registry().byFqdn("A.example.net.").orElseThrow();
            assertTrue(a.behindNat(), "it reported another address than the DC saw");

            direct.register(direct.local(), direct.ticket(3, K_AD, later()));
            Message r2 = direct.receive();
            assertFalse(dc.registry().byId(direct.nodeId).orElseThrow().behindNat());
            assertEquals(dc.registry().byVirtualAddress(r2.address(TlvType.VIRTUAL_V6)).orElseThrow().fqdn(), "b.example.net");
            assertEquals(2, dc.registry().size());
            assertEquals(2, persisted.size(), "registrations are handed to the store");
        }
    }

    @Test
    void keepalivesRefreshAndSilentNodesExpireAndGiveTheirAddressesBack() throws Exception {
        try (TestNode n = node("a.example.net", "127.0.0.1")) {
            n.register(n.local(), n.ticket(3, K_AD, later()));
            Message r = n.receive();
            clock.addAndGet(60_000);
            n.keepalive();
            assertEquals(MessageType.KEEPALIVE_ACK, n.receive().type());
            clock.addAndGet(60_000);
            assertEquals(0, dc.expire(), "refreshed 60 s ago, lifetime 90 s");
            clock.addAndGet(31_000);
            assertEquals(1, dc.expire());
            assertTrue(dc.registry().byId(n.nodeId).isEmpty());
            assertTrue(pools.released.contains(r.address(TlvType.VIRTUAL_V4)));
            assertTrue(pools.released.contains(r.address(TlvType.VIRTUAL_V6)));
            n.keepalive();
            Message late = n.receive();
            assertEquals(MessageType.ERROR, late.type());
            assertEquals(ErrorCode.NOT_REGISTERED, late.u16(TlvType.ERROR_CODE));
            n.register(n.local(), n.ticket(3, K_AD, later()));
            assertEquals(MessageType.REGISTER_RESPONSE, n.receive().type(), "it registers again");
        }
    }

    @Test
    void aRevokedAccountsRegistrationEndsAndItsOlderTicketsAreRefusedUntilTheyExpire() throws Exception {
        try (TestNode n = node("a.example.net", "127.0.0.1"); TestNode other = node("b.example.net", "127.0.0.1")) {
            byte[] old = n.ticket(3, K_AD, later());
            Message r = n.registered(n.local(), old);
            other.registered(other.local(), other.ticket(3, K_AD, later()));
            long until = later().toEpochMilli(); // the AS: now plus its ticket lifetime (4.7)
            revoked.put(n.nodeId, until);
            dc.revoke(n.nodeId, "a.example.net");
            assertTrue(dc.registry().byId(n.nodeId).isEmpty(), "registration ended");
            assertTrue(pools.released.contains(r.address(TlvType.VIRTUAL_V4)) && pools.released.contains(r.address(TlvType.VIRTUAL_V6)));
            assertTrue(dc.registry().byFqdn("b.example.net").isPresent(), "another node stays");
            n.keepalive();
            Message k = n.receive();
            assertEquals(ErrorCode.TICKET_INVALID, k.u16(TlvType.ERROR_CODE), "told to log in again, not to register again");
            n.register(n.local(), old);
            Message again = n.receive();
            assertEquals(MessageType.ERROR, again.type());
            assertEquals(ErrorCode.TICKET_INVALID, again.u16(TlvType.ERROR_CODE), "the old ticket is refused");
            assertTrue(dc.registry().byId(n.nodeId).isEmpty());
            clock.addAndGet(1000);
            n.registered(n.local(), n.ticket(3, K_AD, Instant.ofEpochMilli(until).plusSeconds(1)));
            assertTrue(dc.registry().byId(n.nodeId).isPresent(), "a ticket issued after the revocation (the account given back) registers");
            clock.set(until + 1);
            dc.expire();
            assertTrue(revoked.isEmpty(), "forgotten once every older ticket has expired");
        }
    }

    @Test
    void badTicketsForgeriesReplaysAndGarbageAreRefusedWhileAGoodNodeRegisters() throws Exception {
        try (TestNode bad = node("a.example.net", "127.0.0.1"); TestNode good = node("b.example.net", "127.0.0.2")) {
            bad.register(bad.local(), bad.ticket(3, new byte[32], later()));
            Message e = bad.receive();
            assertEquals(ErrorCode.TICKET_INVALID, e.u16(TlvType.ERROR_CODE));
            assertEquals(0, e.keyId(), "keyless: the DC has no key it shares with this sender");

            bad.register(bad.local(), bad.ticket(3, K_AD, Instant.ofEpochMilli(clock.get()).minusSeconds(1)));
            assertEquals(ErrorCode.TICKET_INVALID, bad.receive().u16(TlvType.ERROR_CODE), "an expired ticket");

            byte[] ok = bad.register(bad.local(), bad.ticket(3, K_AD, later()));
            Message first = bad.receive();
            assertEquals(MessageType.REGISTER_RESPONSE, first.type());
            bad.sendRaw(ok);
            assertEquals(first, bad.receive(), "protocol.md 8.2: a retransmission gets the answer held for it");
            good.sendRaw(ok);
            assertNull(good.receiveOrNull(300), "the same datagram from another address is a replay, not answered");

            byte[] forged = ok.clone();
            forged[forged.length - 1] ^= 1;
            bad.sendRaw(forged);
            for (int i = 0; i < 300; i++) {
                byte[] junk = new byte[1 + random.nextInt(120)];
                random.nextBytes(junk);
                bad.sendRaw(junk);
            }
            // A flood can overflow the DC's socket queue and a datagram be lost, as on any network: the good node
            // retries as protocol.md 8.1 says (here with a fresh sequence number each time), at most 5 times.
            byte[] goodTicket = good.ticket(3, K_AD, later());
            Message answer = null;
            for (int attempt = 0; attempt < 5 && answer == null; attempt++) {
                good.register(good.local(), goodTicket);
                answer = good.receiveOrNull(1000 << Math.min(attempt, 2));
            }
            assertEquals(MessageType.REGISTER_RESPONSE, answer == null ? null : answer.type(), "a good node is served meanwhile");
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (dc.wireCounters().dropped(WireDecodeException.Reason.REPLAY) == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(1, dc.wireCounters().dropped(WireDecodeException.Reason.REPLAY));
            assertTrue(dc.wireCounters().dropped(WireDecodeException.Reason.BAD_MAC) >= 1);
            assertTrue(dc.wireCounters().droppedTotal() >= 100, "the junk was counted: " + dc.wireCounters().droppedTotal());
        }
    }

    @Test
    void anExhaustedPoolIsReportedToTheNode() throws Exception {
        for (int i = 0; i < 6; i++) {
            pools.allocate(org.ntmgate.api.net.AddressFamily.IPV4, org.ntmgate.api.pool.PoolPurpose.NODE, "filler" + i);
        }
        try (TestNode n = node("a.example.net", "127.0.0.1")) {
            n.register(n.local(), n.ticket(3, K_AD, later()));
            Message e = n.receive();
            assertEquals(ErrorCode.POOL_EXHAUSTED, e.u16(TlvType.ERROR_CODE));
            assertTrue(new String(e.bytes(TlvType.ERROR_TEXT)).contains("exhausted"));
        }
    }

    @Test
    void registrationsSurviveTheStoreAndARestart(@TempDir Path dir) throws Exception {
        try (TestNode n = node("a.example.net", "127.0.0.1")) {
            n.register(new InetSocketAddress("198.51.100.7", 4000), n.ticket(3, K_AD, later()));
            n.receive();
            RegistrationStore store = new RegistrationStore(dir.resolve("registrations.bin"));
            store.write(persisted);
            dc.close();
            dc = new Coordinator(pools, settings(), clock::get, () -> persisted = dc.registrations(), () -> null, new byte[32]);
            dc.restore(store.read());
            address = dc.start();
            n.dc = address;
            assertTrue(dc.registry().byFqdn("a.example.net").orElseThrow().behindNat());
            n.keepalive();
            assertEquals(MessageType.KEEPALIVE_ACK, n.receive().type(), "the restored DC still knows the node's key");
        }
    }
}
