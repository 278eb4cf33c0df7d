package org.ntmgate.api.health;

import java.util.Map;

/**
 * What a role has moved and dropped since it started serving: monotonic counts for graphs, the console and
 * {@code /metrics}. Keys are lower-case words: directions for packets and bytes ({@code to_real}, {@code to_node}),
 * reasons for drops ({@code bad_mac}), the same names the role's README and Gogo status use.
 *
 * @param packets packets forwarded, by direction
 * @param bytes bytes of those packets (IP packets as they crossed the role), by direction
 * @param drops packets or datagrams dropped, by reason
 */
public record RoleCounters(Map<String, Long> packets, Map<String, Long> bytes, Map<String, Long> drops) {
    /** A role that counts nothing (yet). */
    public static final RoleCounters NONE = new RoleCounters(Map.of(), Map.of(), Map.of());

    public RoleCounters {
        packets = Map.copyOf(packets);
        bytes = Map.copyOf(bytes);
        drops = Map.copyOf(drops);
    }

    /** Drops keyed by an enum's names in lower case, as {@code DropCounters.snapshot()} gives them. */
    public static Map<String, Long> byName(Map<? extends Enum<?>, Long> counts) {
        Map<String, Long> m = new java.util.TreeMap<>();
        counts.forEach((k, v) -> m.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        return m;
    }
}
