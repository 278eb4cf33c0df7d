package org.ntmgate.role;

import java.time.Instant;

import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;

/**
 * {@link RoleStatus} answered from a component's {@link RoleRunner}, the same way for every role: serving while an
 * engine runs, since when it started, why not from {@link RoleRunner#problem}. The runner names the role and the running
 * {@link RoleEngine} says what it is doing and has counted; a role with a stricter idea of serving (a node that must be
 * registered) overrides {@link #serving}. Its {@link RoleViews} are what the role's Gogo commands show.
 */
public interface RunnerStatus<E extends RoleEngine> extends RoleStatus, RoleViews {
    /** The component's runner. */
    RoleRunner<?, E> runner();

    /** The role's name, from its runner's {@link GatewayRoles.Info}. */
    @Override
    default String role() {
        return runner().role().name();
    }

    @Override
    default boolean serving() {
        return runner().engine() != null;
    }

    @Override
    default String detail() {
        E e = runner().engine();
        return e == null ? runner().problem() : e.status();
    }

    /** The role's Gogo status lines: what the engine is doing, or why none runs; a role with more to say overrides it. */
    @Override
    default String details() {
        return runner().engine() == null ? "not serving: " + runner().problem() : detail();
    }

    @Override
    default RoleCounters counters() {
        E e = runner().engine();
        return e == null ? RoleCounters.NONE : e.counters();
    }

    @Override
    default Instant since() {
        return serving() ? runner().since() : null;
    }
}
