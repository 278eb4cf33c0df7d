package org.ntmgate.pool.impl;

/** How pool definitions (one component per factory configuration) reach the pool service. Internal. */
public interface PoolRegistrar {
    /** Validates and (re)defines a pool; false, logged and posted as a refusal, when refused. */
    boolean define(PoolConfig config);

    void undefine(String name);

    /** The configuration of a pool that was refused is gone. */
    void withdrawn(String name);

    /** The factory configuration {@code pid} defines the pool {@code name} (names must be unique). */
    void defined(String pid, String name);
}
