package org.ntmgate.dc.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.ntmgate.dc.testing.KnotServer;
import org.ntmgate.api.net.AddressFamily;

/** The DC's lookups against a real Knot DNS server serving a test zone. */
class NameResolverTest {
    private static KnotServer knot;

    @BeforeAll
    static void startKnot() throws Exception {
        knot = new KnotServer("example.org", "gn AAAA 2001:db8:300::80\ngn AAAA 2001:db8:300::81\nv4only A 198.51.100.80\n");
    }

    @AfterAll
    static void stopKnot() throws Exception {
        knot.close();
    }

    private final NameResolver resolver = new NameResolver(knotAddress(), Duration.ofSeconds(2));

    static <T> T get(java.util.concurrent.CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static InetSocketAddress knotAddress() {
        return knot.address;
    }

    @Test
    void aGeneralNodeWithAaaaRecordsResolvesToThem() throws Exception {
        NameResolver.Result r = get(resolver.resolve("gn.example.org", AddressFamily.IPV6));
        assertEquals(NameResolver.Outcome.ADDRESSES, r.outcome());
        assertEquals(List.of(InetAddress.getByName("2001:db8:300::80"), InetAddress.getByName("2001:db8:300::81")),
                r.addresses().stream().sorted((a, b) -> a.getHostAddress().compareTo(b.getHostAddress())).toList());
    }

    @Test
    void aNameWithoutAddressesOfTheAskedFamilyIsNoUsableFamily() throws Exception {
        NameResolver.Result r = get(resolver.resolve("v4only.example.org", AddressFamily.IPV6));
        assertEquals(NameResolver.Outcome.NO_USABLE_FAMILY, r.outcome());
        assertTrue(r.detail().contains("no AAAA record"), r.detail());
        assertEquals(NameResolver.Outcome.ADDRESSES, get(resolver.resolve("v4only.example.org", AddressFamily.IPV4)).outcome());
    }

    @Test
    void aMissingNameIsNoSuchName() throws Exception {
        assertEquals(NameResolver.Outcome.NO_SUCH_NAME, get(resolver.resolve("missing.example.org", AddressFamily.IPV6)).outcome());
    }

    @Test
    void aSilentResolverIsNoAnswerWithinTheTimeout() throws Exception {
        try (DatagramSocket silent = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            NameResolver mute = new NameResolver((InetSocketAddress) silent.getLocalSocketAddress(), Duration.ofMillis(500));
            long start = System.nanoTime();
            NameResolver.Result r = get(mute.resolve("gn.example.org", AddressFamily.IPV6));
            assertEquals(NameResolver.Outcome.NO_ANSWER, r.outcome());
            assertTrue(System.nanoTime() - start < 5_000_000_000L, "bounded by the timeout");
        }
    }

    @Test
    void theDcOfAZoneIsFoundByItsSrvRecordAndFailuresAreCachedWithinABound() throws Exception {
        java.util.concurrent.atomic.AtomicLong clock = new java.util.concurrent.atomic.AtomicLong(1_000_000);
        NameResolver r = new NameResolver(knot.address, Duration.ofSeconds(2), Runnable::run, clock::get);
        assertEquals(java.util.Optional.empty(), get(r.findDc("gn.example.org")), "no SRV _ntm-dc._udp in example.org");
        assertEquals(1, r.cachedZones(), "the failure is remembered: a cached direction asks DNS nothing");
        assertEquals(List.of("b.c.example.org", "c.example.org", "example.org"), NameResolver.parents("a.b.c.example.org"));
        for (int i = 0; i < NameResolver.MAX_CACHED_ZONES + 50; i++) {
            get(r.findDc("x.n" + i + ".example.org")); // names a node may choose: the cache must not grow without bound
        }
        assertTrue(r.cachedZones() <= NameResolver.MAX_CACHED_ZONES, "bounded: " + r.cachedZones());
    }
}
