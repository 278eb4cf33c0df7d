package org.ntmgate.wire;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.api.health.RoleCounters;

/**
 * Packets and bytes a role forwarded, per direction (named as the role's README names them: {@code to_real},
 * {@code to_node}), counted from any thread without a lock; read with the drops as the role's {@link RoleCounters}.
 */
public final class TrafficCounters {
    private final String[] directions;
    private final LongAdder[] packets;
    private final LongAdder[] bytes;

    public TrafficCounters(String... directions) {
        this.directions = directions.clone();
        this.packets = new LongAdder[directions.length];
        this.bytes = new LongAdder[directions.length];
        for (int i = 0; i < directions.length; i++) {
            packets[i] = new LongAdder();
            bytes[i] = new LongAdder();
        }
    }

    /** One packet of {@code length} bytes in direction {@code direction} (its index in the constructor's list). */
    public void count(int direction, int length) {
        packets[direction].increment();
        bytes[direction].add(length);
    }

    public long packets(int direction) {
        return packets[direction].sum();
    }

    public long bytes(int direction) {
        return bytes[direction].sum();
    }

    /** These counts with {@code drops} (a {@link DropCounters#snapshot()}). */
    public RoleCounters with(Map<? extends Enum<?>, Long> drops) {
        Map<String, Long> p = new TreeMap<>();
        Map<String, Long> b = new TreeMap<>();
        for (int i = 0; i < directions.length; i++) {
            p.put(directions[i], packets[i].sum());
            b.put(directions[i], bytes[i].sum());
        }
        return new RoleCounters(p, b, RoleCounters.byName(drops));
    }
}
