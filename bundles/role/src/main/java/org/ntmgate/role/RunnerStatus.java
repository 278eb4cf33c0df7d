package org.ntmgate.role;

import java.time.Instant;

import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;

/**
 * {@link RoleStatus} answered from a component's {@link RoleRunner}, the same way for every role: serving while an
 * engine runs, since when it started, why not from {@link RoleRunner#problem}. The component names the role and
 * says what the running engine is doing and has counted; a role with a stricter idea of serving (a node that must be
 * registered) overrides {@link #serving}.
 */
public interface RunnerStatus<E extends AutoCloseable> extends RoleStatus {
    /** The component's runner. */
    RoleRunner<?, E> runner();

    /** What the running engine is doing, in one line. */
    String detail(E engine);

    /** What the running engine moved and dropped. */
    default RoleCounters counters(E engine) {
        return RoleCounters.NONE;
    }

    @Override
    default boolean serving() {
        return runner().engine() != null;
    }

    @Override
    default String detail() {
        E e = runner().engine();
        return e == null ? runner().problem() : detail(e);
    }

    @Override
    default RoleCounters counters() {
        E e = runner().engine();
        return e == null ? RoleCounters.NONE : counters(e);
    }

    @Override
    default Instant since() {
        return serving() ? runner().since() : null;
    }
}
