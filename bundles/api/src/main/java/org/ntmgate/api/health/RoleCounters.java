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
 * @param latencies how long answers took, by what was answered ({@code dns_answer})
 */
public record RoleCounters(Map<String, Long> packets, Map<String, Long> bytes, Map<String, Long> drops, Map<String, LatencyHistogram> latencies) {
    /** A role that counts nothing (yet). */
    public static final RoleCounters NONE = new RoleCounters(Map.of(), Map.of(), Map.of());

    public RoleCounters {
        packets = Map.copyOf(packets);
        bytes = Map.copyOf(bytes);
        drops = Map.copyOf(drops);
        latencies = Map.copyOf(latencies);
    }

    /** Counts without latencies. */
    public RoleCounters(Map<String, Long> packets, Map<String, Long> bytes, Map<String, Long> drops) {
        this(packets, bytes, drops, Map.of());
    }

    /** These counts with one more latency histogram. */
    public RoleCounters withLatency(String name, LatencyHistogram histogram) {
        Map<String, LatencyHistogram> m = new java.util.TreeMap<>(latencies);
        m.put(name, histogram);
        return new RoleCounters(packets, bytes, drops, m);
    }

    /** Drops keyed by an enum's names in lower case, as {@code DropCounters.snapshot()} gives them. */
    public static Map<String, Long> byName(Map<? extends Enum<?>, Long> counts) {
        Map<String, Long> m = new java.util.TreeMap<>();
        counts.forEach((k, v) -> m.put(k.name().toLowerCase(java.util.Locale.ROOT), v));
        return m;
    }
}
