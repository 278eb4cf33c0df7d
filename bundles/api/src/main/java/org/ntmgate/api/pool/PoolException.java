package org.ntmgate.api.pool;

/** A refused pool operation; {@link #reason()} is what a caller acts on, the message names the pool. */
public class PoolException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the pool refused. */
    public enum Reason {
        /** No configured pool serves this family and purpose. */
        NO_POOL,
        /** Every address of every matching pool is leased. */
        EXHAUSTED,
        /** The address is not leased (or not to that owner). */
        NOT_LEASED
    }

    private final Reason reason;

    public PoolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
