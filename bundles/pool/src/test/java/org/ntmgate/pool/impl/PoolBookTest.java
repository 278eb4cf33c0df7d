package org.ntmgate.pool.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolPurpose;

class PoolBookTest {
    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private final List<String> written = new ArrayList<>();
    private final PoolBook book = new PoolBook(clock::get, new PoolBook.LeaseSink() {
        @Override
        public void put(Lease l, java.util.Collection<Lease> live) {
            written.add("put " + l.address().getHostAddress());
        }

        @Override
        public void renewed(Lease l, java.util.Collection<Lease> live) {
            written.add("renewed " + l.address().getHostAddress());
        }

        @Override
        public void removed(Lease l, java.util.Collection<Lease> live) {
            written.add("removed " + l.address().getHostAddress());
        }
    });

    /** A pool configuration as ConfigAdmin would hold it, typed the way Declarative Services types it. */
    static PoolConfig config(String name, String prefix, PoolPurpose purpose, long leaseSeconds) {
        java.util.Map<String, Object> p = new java.util.HashMap<>();
        p.put("name", name);
        p.put("prefix", prefix);
        p.put("purpose", purpose == null ? null : purpose.name());
        p.put("leaseTimeSeconds", leaseSeconds);
        p.values().removeIf(java.util.Objects::isNull);
        return org.ntmgate.api.config.ConfigChecks.typed(PoolSettings.FACTORY_PID, p, PoolConfig.class);
    }

    private void define(String name, String prefix, PoolPurpose purpose) {
        book.define(PoolSettings.from(config(name, prefix, purpose, 600)));
    }

    @Test
    void addressesComeFromTheRightPoolAndSkipNetworkAndBroadcast() throws Exception {
        define("v4", "192.0.2.0/30", PoolPurpose.NODE);
        define("v6", "2001:db8:100::/126", PoolPurpose.NODE);
        define("gn", "2001:db8:200::/126", PoolPurpose.GENERAL_NODE);
        Lease a = book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "a.example.net");
        Lease b = book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "b.example.net");
        assertEquals(Set.of("192.0.2.1", "192.0.2.2"), Set.of(a.address().getHostAddress(), b.address().getHostAddress()));
        PoolException full = assertThrows(PoolException.class, () -> book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "c.example.net"));
        assertEquals(PoolException.Reason.EXHAUSTED, full.reason());
        assertTrue(full.getMessage().contains("'v4' (192.0.2.0/30)"), full.getMessage());
        Lease g = book.allocate(AddressFamily.IPV6, PoolPurpose.GENERAL_NODE, "a.example.net>gn.example.org");
        assertEquals("gn", g.pool());
        assertEquals(InetAddress.getByName("2001:db8:200::1"), g.address());
        assertFalse(written.isEmpty(), "every change is handed to the lease file");
    }

    @Test
    void anOwnerGetsItsAddressBackRenewed() throws Exception {
        define("v6", "2001:db8:100::/120", PoolPurpose.NODE);
        Lease first = book.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "a.example.net");
        clock.addAndGet(100_000);
        Lease again = book.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "a.example.net");
        assertEquals(first.address(), again.address());
        assertTrue(again.expires().isAfter(first.expires()));
        assertEquals(first.granted(), again.granted());
    }

    @Test
    void missingPoolsExpiryRenewAndRelease() throws Exception {
        assertEquals(PoolException.Reason.NO_POOL,
                assertThrows(PoolException.class, () -> book.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "x")).reason());
        define("v4", "192.0.2.0/30", PoolPurpose.NODE);
        Lease a = book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "a");
        assertEquals(PoolException.Reason.NOT_LEASED, assertThrows(PoolException.class, () -> book.renew(a.address(), "b")).reason());
        clock.addAndGet(500_000);
        book.renew(a.address(), "a");
        clock.addAndGet(500_000);
        assertEquals(List.of(), book.expire(), "renewed at 500 s for 600 s: still live at 1000 s");
        clock.addAndGet(200_000);
        assertEquals(1, book.expire().size());
        assertTrue(book.leaseOf(a.address()).isEmpty());
        Lease b = book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "b");
        assertFalse(book.release(b.address(), "a"), "only the owner releases");
        assertTrue(book.release(b.address(), "b"));
    }

    @Test
    void overlapsAndStrandingChangesAreRefusedNamingPoolAndField() throws Exception {
        define("v6", "2001:db8:100::/120", PoolPurpose.NODE);
        InvalidConfigurationException overlap = assertThrows(InvalidConfigurationException.class,
                () -> define("other", "2001:db8:100::80/121", PoolPurpose.GENERAL_NODE));
        assertEquals("prefix", overlap.field());
        assertTrue(overlap.getMessage().contains("'other'") && overlap.getMessage().contains("overlaps pool 'v6'"), overlap.getMessage());

        Lease l = book.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "a");
        InvalidConfigurationException shrink = assertThrows(InvalidConfigurationException.class,
                () -> define("v6", "2001:db8:101::/120", PoolPurpose.NODE));
        assertEquals("prefix", shrink.field());
        assertTrue(shrink.getMessage().contains("strand 1 live lease"), shrink.getMessage());
        assertEquals(l.address(), book.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "a").address(), "the old definition stays");
        define("v6", "2001:db8:100::/119", PoolPurpose.NODE); // growing keeps every lease inside: accepted
    }

    @Test
    void shrinkingBelowALiveLeaseSaysWhichSmallerPrefixKeepsItAndMovingSaysNothingOfTheKind() throws Exception {
        define("v4", "10.9.0.0/24", PoolPurpose.NODE);
        Lease first = book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "a"); // 10.9.0.1
        for (int i = 0; i < 40; i++) {
            book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "n" + i); // up to 10.9.0.41
        }
        InvalidConfigurationException shrink = assertThrows(InvalidConfigurationException.class, () -> define("v4", "10.9.0.128/25", PoolPurpose.NODE));
        assertTrue(shrink.getMessage().contains("would strand 41 live lease(s), for example " + first.address().getHostAddress()), shrink.getMessage());
        assertTrue(shrink.getMessage().contains("the smallest prefix from 10.9.0.128 that keeps them is 10.9.0.0/24"), shrink.getMessage());
        InvalidConfigurationException half = assertThrows(InvalidConfigurationException.class, () -> define("v4", "10.9.0.0/28", PoolPurpose.NODE));
        assertTrue(half.getMessage().contains("the smallest prefix from 10.9.0.0 that keeps them is 10.9.0.0/26"), half.getMessage());
        InvalidConfigurationException moved = assertThrows(InvalidConfigurationException.class, () -> define("v4", "10.10.0.0/24", PoolPurpose.NODE));
        assertFalse(moved.getMessage().contains("smallest prefix"), "a pool moved elsewhere has no smaller prefix to offer: " + moved.getMessage());
        define("v4", "10.9.0.0/26", PoolPurpose.NODE); // the one offered: accepted
    }

    @Test
    void badDefinitionsNameTheirField() {
        assertEquals("name", assertThrows(InvalidConfigurationException.class,
                () -> PoolSettings.from(config("Bad Name", "2001:db8::/64", PoolPurpose.NODE, 600))).field());
        assertEquals("prefix", assertThrows(InvalidConfigurationException.class,
                () -> PoolSettings.from(config("p", "2001:db8::1/64", PoolPurpose.NODE, 600))).field());
        assertEquals("prefix", assertThrows(InvalidConfigurationException.class,
                () -> PoolSettings.from(config("p", "192.0.2.0/31", PoolPurpose.NODE, 600))).field());
        assertEquals("leaseTimeSeconds", assertThrows(InvalidConfigurationException.class,
                () -> PoolSettings.from(config("p", "192.0.2.0/24", PoolPurpose.NODE, 5))).field());
    }

    @Test
    void aLargePoolHandsOutDistinctAddressesAndWrapsToFreedOnes() throws Exception {
        define("v4", "198.51.100.0/24", PoolPurpose.NODE);
        Set<InetAddress> seen = new HashSet<>();
        List<Lease> all = new ArrayList<>();
        for (int i = 0; i < 254; i++) {
            Lease l = book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "n" + i);
            assertTrue(seen.add(l.address()));
            all.add(l);
        }
        assertThrows(PoolException.class, () -> book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "late"));
        book.release(all.get(17).address(), "n17");
        assertEquals(all.get(17).address(), book.allocate(AddressFamily.IPV4, PoolPurpose.NODE, "late").address());
        assertNotEquals(0, written.size());
    }

    @Test
    void theLeaseJournalReplaysEveryChangeAndRefusesARecordThatIsNoLease(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("leases.journal");
        define("v6", "2001:db8:100::/120", PoolPurpose.NODE);
        List<Lease> expected;
        try (LeaseStore store = new LeaseStore(file)) {
            assertEquals(List.of(), store.open());
            PoolBook b = new PoolBook(clock::get, store.sink());
            b.define(PoolSettings.from(config("v6", "2001:db8:100::/120", PoolPurpose.NODE, 600)));
            Lease gone = b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "a.example.net");
            b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "owner with spaces>and/slashes");
            clock.addAndGet(1000);
            b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "owner with spaces>and/slashes"); // a renewal
            b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "c.example.net");
            b.release(gone.address(), "a.example.net");
            for (int i = 0; i < 3000; i++) { // renewals wait for the group commit, the latest of each address only
                b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "c.example.net");
            }
            assertEquals(2, store.pendingRenewals());
            store.sync();
            assertEquals(0, store.pendingRenewals());
            for (int i = 0; i < 1500; i++) { // give and return: far past compaction
                Lease t = b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "t" + i);
                b.release(t.address(), "t" + i);
            }
            assertTrue(store.records() < 1100, "compacted: " + store.records());
            clock.addAndGet(1000);
            b.allocate(AddressFamily.IPV6, PoolPurpose.NODE, "c.example.net"); // a renewal only close() writes
            expected = b.leases();
        }
        try (LeaseStore store = new LeaseStore(file)) {
            List<Lease> back = store.open();
            back.sort(java.util.Comparator.comparing(l -> new java.math.BigInteger(1, l.address().getAddress())));
            assertEquals(expected, back);
        }
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length - 3));
        try (LeaseStore store = new LeaseStore(file)) {
            assertEquals(expected.size(), store.open().size(), "a torn last record (a renewal) costs that record only");
            assertTrue(store.damage().contains("cut short"), store.damage());
        }
        Files.writeString(file, "ntmgate-leases 1\nend 0\n");
        assertThrows(LeaseStore.CorruptLeasesException.class, () -> new LeaseStore(file).open());
        try (org.ntmgate.storage.Journal j = org.ntmgate.storage.Journal.open(dir.resolve("other"), null, r -> {
        })) {
            j.append("P not-an-address v6 x 1 2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        LeaseStore bad = new LeaseStore(dir.resolve("other"));
        LeaseStore.CorruptLeasesException e = assertThrows(LeaseStore.CorruptLeasesException.class, bad::open);
        assertTrue(e.getMessage().contains("record 1"), e.getMessage());
    }
}
