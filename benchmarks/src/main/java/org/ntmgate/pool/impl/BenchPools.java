package org.ntmgate.pool.impl;

import java.nio.file.Path;
import java.time.Duration;

import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;

/**
 * The pool bundle's own component outside a framework, for the DC load benchmark: the same book, lease journal and
 * once-a-second group commit as in the gateway, with the shipped default pools.
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

    public static void close(VirtualAddressPools pools) {
        ((PoolsComponent) pools).deactivate();
    }

    private static void define(PoolsComponent pools, String name, String prefix, PoolPurpose purpose) {
        pools.define(new PoolSettings(name, Prefix.parse(prefix), purpose, Duration.ofHours(1)));
    }
}
