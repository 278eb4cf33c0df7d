package org.ntmgate.pool.impl;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.PoolPurpose;

/**
 * The pools and their leases, free of OSGi. One lock: this is the signalling path (registrations, directions),
 * not the packet path, and every change must reach the lease file before it is answered.
 */
final class PoolBook {
    /** Addresses looked at per allocation before a pool counts as full for it: bounds the work of one call. */
    static final int MAX_PROBES = 1 << 16;

    private final Map<String, PoolSettings> pools = new TreeMap<>();
    private final Map<InetAddress, Lease> leases = new LinkedHashMap<>();
    private final Map<String, BigInteger> cursors = new HashMap<>();
    private final Map<AddressFamily, Map<PoolPurpose, List<PoolSettings>>> byUse = new EnumMap<>(AddressFamily.class);
    /** Owner -> its leased addresses: an owner asking again finds its lease without a scan of every lease. */
    private final Map<String, Set<InetAddress>> byOwner = new HashMap<>();
    private final LongSupplier clock;
    private final LeaseSink sink;

    /** Where changed leases go (the lease journal); told after every change, under the lock, with every live lease. */
    interface LeaseSink {
        /** A lease given (a new address for an owner). */
        void put(Lease l, Collection<Lease> live);

        /** A live lease extended: the same address for the same owner, only a later expiry. */
        void renewed(Lease l, Collection<Lease> live);

        void removed(Lease l, Collection<Lease> live);

        /** No journal: leases live in memory only. */
        LeaseSink NONE = new LeaseSink() {
            @Override
            public void put(Lease l, Collection<Lease> live) {
            }

            @Override
            public void renewed(Lease l, Collection<Lease> live) {
            }

            @Override
            public void removed(Lease l, Collection<Lease> live) {
            }
        };
    }

    PoolBook(LongSupplier clock, LeaseSink sink) {
        this.clock = clock;
        this.sink = sink;
    }

    /** Leases read back at start, before pools are defined again. */
    synchronized void restore(List<Lease> restored) {
        restored.forEach(this::index);
    }

    /** Adds or replaces a pool; refuses overlaps and prefixes that would strand live leases. */
    synchronized void define(PoolSettings s) {
        check(s);
        pools.put(s.name(), s);
        byUse.clear();
    }

    /** Refuses what {@link #define} would refuse, changing nothing. */
    synchronized void check(PoolSettings s) {
        checkOverlaps(s);
        checkLeases(s);
    }

    /** Refuses a prefix that overlaps another defined pool. */
    synchronized void checkOverlaps(PoolSettings s) {
        for (PoolSettings other : pools.values()) {
            if (!other.name().equals(s.name()) && other.prefix().overlaps(s.prefix())) {
                throw new InvalidConfigurationException(s.pid(), "prefix",
                        s.prefix() + " overlaps pool '" + other.name() + "' (" + other.prefix() + ")");
            }
        }
    }

    /** Refuses a prefix that would leave live leases of the pool outside it. */
    synchronized void checkLeases(PoolSettings s) {
        Instant now = now();
        List<Lease> stranded = leases.values().stream()
                .filter(l -> l.pool().equals(s.name()) && l.expires().isAfter(now) && !s.prefix().contains(l.address()))
                .collect(Collectors.toList());
        if (!stranded.isEmpty()) {
            // shrunk within its own prefix: the smallest widening of the new prefix that keeps them (never wider than the pool is now)
            PoolSettings now0 = pools.get(s.name());
            Prefix keeps = now0 != null && now0.prefix().contains(s.prefix().network()) && now0.prefix().length() <= s.prefix().length()
                    ? smallestKeeping(s.prefix(), stranded) : null;
            throw new InvalidConfigurationException(s.pid(), "prefix", s.prefix() + " would strand " + stranded.size()
                    + " live lease(s), for example " + stranded.get(0).address().getHostAddress() + " of "
                    + stranded.get(0).owner() + (keeps == null ? "" : "; the smallest prefix from " + AddressFormat.format(s.prefix().network().getAddress())
                            + " that keeps them is " + keeps) + "; or release them, or wait for them to expire");
        }
    }

    /** The longest widening of {@code prefix} that contains every lease's address, or null when none does. */
    static Prefix smallestKeeping(Prefix prefix, List<Lease> leases) {
        for (int len = prefix.length(); len >= 0; len--) {
            Prefix p = prefix.widenedTo(len);
            if (leases.stream().allMatch(l -> p.contains(l.address()))) {
                return p;
            }
        }
        return null;
    }

    /** Stops handing out addresses of a pool; its leases stay (they persist, and expire in their time). */
    synchronized void undefine(String name) {
        pools.remove(name);
        byUse.clear();
    }

    synchronized Lease allocate(AddressFamily family, PoolPurpose purpose, String owner) throws PoolException {
        List<PoolSettings> candidates = candidates(family, purpose);
        String what = (family == AddressFamily.IPV4 ? "IPv4 " : "IPv6 ") + purpose + " addresses";
        if (candidates.isEmpty()) {
            throw new PoolException(PoolException.Reason.NO_POOL, "no pool is configured for " + what);
        }
        return allocateAmong(candidates, owner, what);
    }

    /** A lease from the pool named {@code pool} (a reservation by hand). */
    synchronized Lease allocate(String pool, String owner) throws PoolException {
        PoolSettings p = pools.get(pool);
        if (p == null) {
            throw new PoolException(PoolException.Reason.NO_POOL, "no pool is named '" + pool + "' (pools: " + String.join(", ", pools.keySet()) + ")");
        }
        return allocateAmong(List.of(p), owner, "pool '" + pool + "'");
    }

    private Lease allocateAmong(List<PoolSettings> candidates, String owner, String what) throws PoolException {
        Instant now = now();
        for (InetAddress a : byOwner.getOrDefault(owner, Set.of())) {
            Lease l = leases.get(a);
            if (l != null && l.expires().isAfter(now)) {
                for (PoolSettings p : candidates) {
                    if (p.name().equals(l.pool()) && p.prefix().contains(l.address())) {
                        return renewed(new Lease(l.address(), l.pool(), owner, l.granted(), now.plus(p.leaseTime())));
                    }
                }
            }
        }
        for (PoolSettings p : candidates) {
            InetAddress free = findFree(p, now);
            if (free != null) {
                return put(new Lease(free, p.name(), owner, now, now.plus(p.leaseTime())));
            }
        }
        throw new PoolException(PoolException.Reason.EXHAUSTED, "every pool for " + what + " is exhausted: "
                + candidates.stream().map(p -> "'" + p.name() + "' (" + p.prefix() + ")").collect(Collectors.joining(", ")));
    }

    private InetAddress findFree(PoolSettings p, Instant now) {
        BigInteger size = p.prefix().size();
        // Offset 0 is the network address (IPv4) or the subnet-router anycast address (IPv6, RFC 4291 2.6.1);
        // the last IPv4 address is the broadcast address. Neither is handed out.
        BigInteger first = BigInteger.ONE;
        BigInteger last = p.prefix().family() == AddressFamily.IPV4 ? size.subtract(BigInteger.TWO) : size.subtract(BigInteger.ONE);
        BigInteger usable = last.subtract(first).add(BigInteger.ONE);
        BigInteger cursor = cursors.getOrDefault(p.name(), first);
        long probes = usable.min(BigInteger.valueOf(MAX_PROBES)).longValueExact();
        for (long i = 0; i < probes; i++) {
            if (cursor.compareTo(last) > 0) {
                cursor = first;
            }
            InetAddress candidate = p.prefix().addressAt(cursor);
            cursor = cursor.add(BigInteger.ONE);
            Lease held = leases.get(candidate);
            if (held == null || !held.expires().isAfter(now)) {
                cursors.put(p.name(), cursor);
                return candidate;
            }
        }
        return null;
    }

    synchronized Lease renew(InetAddress address, String owner) throws PoolException {
        Lease l = leases.get(address);
        Instant now = now();
        if (l == null || !l.owner().equals(owner) || !l.expires().isAfter(now) || !pools.containsKey(l.pool())) {
            throw new PoolException(PoolException.Reason.NOT_LEASED, address.getHostAddress() + " is not leased to " + owner);
        }
        return renewed(new Lease(address, l.pool(), owner, l.granted(), now.plus(pool(l).leaseTime())));
    }

    synchronized boolean release(InetAddress address, String owner) {
        Lease l = leases.get(address);
        if (l == null || !l.owner().equals(owner)) {
            return false;
        }
        unindex(l);
        sink.removed(l, leases.values());
        return true;
    }

    /** Removes leases past their expiry; returns them. */
    synchronized List<Lease> expire() {
        Instant now = now();
        List<Lease> gone = leases.values().stream().filter(l -> !l.expires().isAfter(now)).collect(Collectors.toList());
        if (!gone.isEmpty()) {
            for (Lease l : gone) {
                unindex(l);
                sink.removed(l, leases.values());
            }
        }
        return gone;
    }

    synchronized Optional<Lease> leaseOf(InetAddress address) {
        Lease l = leases.get(address);
        return l != null && l.expires().isAfter(now()) ? Optional.of(l) : Optional.empty();
    }

    synchronized List<Lease> leases() {
        List<Lease> all = new ArrayList<>(leases.values());
        all.sort(Comparator.comparing(Lease::pool).thenComparing(l -> new BigInteger(1, l.address().getAddress())));
        return all;
    }

    synchronized List<PoolInfo> pools() {
        return pools.values().stream().map(p -> {
            long leased = leases.values().stream().filter(l -> l.pool().equals(p.name())).count();
            BigInteger capacity = p.prefix().size().subtract(BigInteger.valueOf(p.prefix().family() == AddressFamily.IPV4 ? 2 : 1));
            return new PoolInfo(p.name(), p.prefix(), p.purpose(), p.leaseTime(), capacity, leased);
        }).collect(Collectors.toList());
    }

    /** The pools for a family and purpose, in name order; kept per pair until the pools change. */
    private List<PoolSettings> candidates(AddressFamily family, PoolPurpose purpose) {
        return byUse.computeIfAbsent(family, f -> new EnumMap<>(PoolPurpose.class)).computeIfAbsent(purpose, k -> pools.values().stream()
                .filter(p -> p.prefix().family() == family && p.purpose() == purpose).collect(Collectors.toUnmodifiableList()));
    }

    private PoolSettings pool(Lease l) {
        return pools.get(l.pool());
    }

    private Lease put(Lease l) {
        index(l);
        sink.put(l, leases.values());
        return l;
    }

    private Lease renewed(Lease l) {
        leases.put(l.address(), l);
        sink.renewed(l, leases.values());
        return l;
    }

    private void index(Lease l) {
        Lease old = leases.put(l.address(), l);
        if (old != null && !old.owner().equals(l.owner())) {
            removeOwner(old);
        }
        byOwner.computeIfAbsent(l.owner(), o -> new HashSet<>(2)).add(l.address());
    }

    private void unindex(Lease l) {
        leases.remove(l.address());
        removeOwner(l);
    }

    private void removeOwner(Lease l) {
        Set<InetAddress> mine = byOwner.get(l.owner());
        if (mine != null && mine.remove(l.address()) && mine.isEmpty()) {
            byOwner.remove(l.owner());
        }
    }

    private Instant now() {
        return Instant.ofEpochMilli(clock.getAsLong());
    }
}
