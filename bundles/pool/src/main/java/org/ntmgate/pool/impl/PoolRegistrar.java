package org.ntmgate.pool.impl;

/** How pool definitions (one component per factory configuration) reach the pool service. Internal. */
public interface PoolRegistrar {
    /**
     * The factory configuration {@code pid} defines or redefines its pool; a refusal is logged, reported as a health
     * problem, and tried again whenever another pool goes (the one it overlapped may be gone).
     */
    void define(String pid, PoolConfig config);

    /** The configuration {@code pid} is gone: the pool it defined stops handing out addresses (its leases stay). */
    void withdraw(String pid);
}
