package org.ntmgate.role;

import java.util.Map;

import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.TrafficCounters;
import org.ntmgate.wire.WireDecodeException;

/**
 * What a role's data path moved each way and dropped by reason (its README's "Counters" and "Drops"), shared by its
 * handlers and counted from any thread without a lock. A role binds it to its own reasons and directions.
 *
 * @param <E> the role's drop reasons
 */
public class DataPathCounters<E extends Enum<E>> {
    private final DropCounters<E> drops;
    private final E malformed;
    private final TrafficCounters traffic;

    /**
     * @param reasons    the role's drop reasons
     * @param malformed  the reason a codec refusal counts under when the role has none of the codec's name
     * @param directions the directions' names in {@link #snapshot}, by index ("to_real", "to_node")
     */
    protected DataPathCounters(Class<E> reasons, E malformed, String... directions) {
        this.drops = new DropCounters<>(reasons);
        this.malformed = malformed;
        this.traffic = new TrafficCounters(directions);
    }

    public final void drop(E why) {
        drops.count(why);
    }

    /** A datagram the wire codec refused: under the role's reason of the same name, else as malformed. */
    public final void drop(WireDecodeException.Reason why) {
        drops.count(why, malformed);
    }

    /** One packet of {@code bytes} moved in {@code direction}. */
    public final void moved(int direction, int bytes) {
        traffic.count(direction, bytes);
    }

    public final long packets(int direction) {
        return traffic.packets(direction);
    }

    public final Map<E, Long> drops() {
        return drops.snapshot();
    }

    /** Both, as the health endpoint and {@code /metrics} report them. */
    public final RoleCounters snapshot() {
        return traffic.with(drops.snapshot());
    }
}
