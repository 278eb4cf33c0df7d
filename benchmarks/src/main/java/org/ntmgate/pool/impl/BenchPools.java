package org.ntmgate.pool.impl;

import java.nio.file.Path;
import java.time.Duration;

import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;

/**
 * The pool bundle's own component outside a framework, for the DC load benchmark: the same book, lease journal and
 * once-a-second group commit as in the gateway, with the shipped default pools; and the same, filled, for the
 * console's pages benchmark.
 */
public final class BenchPools {
    private BenchPools() {
    }

    /** The pool service over a lease journal in {@code journal}; {@link #close} stops it. */
    public static VirtualAddressPools open(Path journal) {
        PoolsComponent pools = new PoolsComponent();
        pools.open(journal);
        define(pools, "node-v4", "10.201.0.0/16", PoolPurpose.NODE);
        define(pools, "node-v6", "fd4e:746d:0:1::/64", PoolPurpose.NODE);
        define(pools, "general-v4", "10.202.0.0/16", PoolPurpose.GENERAL_NODE);
        define(pools, "general-v6", "fd4e:746d:0:2::/64", PoolPurpose.GENERAL_NODE);
        return pools;
    }

    /** The same pools without a journal, with an IPv4 and an IPv6 lease for each of {@code nodes} nodes (the console benchmark). */
    public static VirtualAddressPools withNodes(int nodes) throws org.ntmgate.api.pool.PoolException {
        VirtualAddressPools pools = open(null);
        for (int i = 1; i <= nodes; i++) {
            String owner = "home-" + i + ".subscribers.example.net";
            pools.allocate(org.ntmgate.api.net.AddressFamily.IPV4, PoolPurpose.NODE, owner);
            pools.allocate(org.ntmgate.api.net.AddressFamily.IPV6, PoolPurpose.NODE, owner);
        }
        return pools;
    }

    public static void close(VirtualAddressPools pools) {
        ((PoolsComponent) pools).deactivate();
    }

    private static void define(PoolsComponent pools, String name, String prefix, PoolPurpose purpose) {
        pools.define(new PoolSettings(name, Prefix.parse(prefix), purpose, Duration.ofHours(1)));
    }
}
