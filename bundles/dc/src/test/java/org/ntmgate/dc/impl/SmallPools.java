package org.ntmgate.dc.impl;

import java.math.BigInteger;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;

/** A small in-memory pool service for the DC's own tests (the real one is tested in bundles/pool and in-framework). */
final class SmallPools implements VirtualAddressPools {
    private final Prefix v4 = Prefix.parse("192.0.2.0/29");
    private final Prefix v6 = Prefix.parse("2001:db8:100::/125");
    final Map<InetAddress, Lease> leases = new LinkedHashMap<>();
    final List<InetAddress> released = new ArrayList<>();

    @Override
    public synchronized Lease allocate(AddressFamily family, PoolPurpose purpose, String owner) throws PoolException {
        Prefix p = family == AddressFamily.IPV4 ? v4 : v6;
        for (Lease l : leases.values()) {
            if (l.owner().equals(owner) && p.contains(l.address())) {
                return l;
            }
        }
        for (int i = 1; i < 7; i++) {
            InetAddress a = p.addressAt(BigInteger.valueOf(i));
            if (!leases.containsKey(a)) {
                Lease l = new Lease(a, family.name(), owner, Instant.now(), Instant.now().plus(Duration.ofHours(1)));
                leases.put(a, l);
                return l;
            }
        }
        throw new PoolException(PoolException.Reason.EXHAUSTED, "pool '" + family + "' (" + p + ") is exhausted");
    }

    @Override
    public Lease allocate(String pool, String owner) throws PoolException {
        return allocate(AddressFamily.valueOf(pool), PoolPurpose.NODE, owner);
    }

    @Override
    public synchronized Lease renew(InetAddress address, String owner) throws PoolException {
        Lease l = leases.get(address);
        if (l == null || !l.owner().equals(owner)) {
            throw new PoolException(PoolException.Reason.NOT_LEASED, "not leased");
        }
        return l;
    }

    @Override
    public synchronized boolean release(InetAddress address, String owner) {
        released.add(address);
        return leases.remove(address) != null;
    }

    @Override
    public synchronized Optional<Lease> leaseOf(InetAddress address) {
        return Optional.ofNullable(leases.get(address));
    }

    @Override
    public synchronized List<Lease> leasesOf(String owner) {
        return leases.values().stream().filter(l -> l.owner().equals(owner)).toList();
    }

    @Override
    public synchronized List<Lease> leases() {
        return new ArrayList<>(leases.values());
    }

    @Override
    public List<PoolInfo> pools() {
        return List.of();
    }
}
