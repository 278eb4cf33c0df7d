package org.ntmgate.pool;

import java.nio.file.Path;
import java.util.Map;

import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.pool.impl.Fixture;

/**
 * The pool bundle's component outside a framework: the same book, lease journal and once-a-second group commit as in
 * a gateway, its pools defined from configurations as ConfigAdmin would hand them over.
 */
public final class PoolFixture {
    private PoolFixture() {
    }

    /**
     * The pool service over a lease journal in {@code journal} (null: none), with a pool for each configuration of
     * factory PID {@code org.ntmgate.pool} in {@code configurations} (PID to properties; others are passed over).
     * {@link #close} stops it.
     *
     * @throws IllegalArgumentException when a pool configuration is refused, with the pool bundle's message
     */
    public static VirtualAddressPools open(Path journal, Map<String, Map<String, Object>> configurations) {
        return Fixture.open(journal, configurations);
    }

    /** Stops the timers and closes the lease journal of a service {@link #open} made. */
    public static void close(VirtualAddressPools pools) {
        Fixture.close(pools);
    }
}
