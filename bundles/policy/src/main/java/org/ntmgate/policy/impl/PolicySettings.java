package org.ntmgate.policy.impl;

import java.util.ArrayList;
import java.util.List;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayLimits;

/** Validated policy; {@link #from} names the field (and the entry) of anything it refuses. */
record PolicySettings(List<String> allowedRelays, List<Rule> allow, List<Rule> deny, List<Rule> denyNodes, RelayLimits limits,
        List<NodeLimits> nodeLimits) {
    static final String PID = "org.ntmgate.policy";
    static final PolicySettings OPEN = new PolicySettings(List.of(), List.of(), List.of(), List.of(), new RelayLimits(64, 0, 0), List.of());

    /** Limits for the nodes a rule matches. */
    record NodeLimits(Rule nodes, RelayLimits limits) {
    }

    /** The limits of the longest node rule that matches, else the defaults. */
    RelayLimits limitsFor(String nodeFqdn) {
        NodeLimits best = null;
        for (NodeLimits n : nodeLimits) {
            if (n.nodes().matchesName(nodeFqdn) && (best == null || n.nodes().specificity() > best.nodes().specificity())) {
                best = n;
            }
        }
        return best == null ? limits : best.limits();
    }

    static PolicySettings from(PolicyConfig c) {
        List<String> relays = new ArrayList<>();
        for (String r : nonNull(c.allowedRelays())) {
            if (r == null || r.isBlank()) {
                throw new InvalidConfigurationException(PID, "allowedRelays", "has an empty entry");
            }
            relays.add(r.trim());
        }
        RelayLimits limits;
        try {
            limits = new RelayLimits(c.maxSessionsPerNode(), c.maxBytesPerSecondPerNode(), c.maxPacketsPerSecondPerNode());
        } catch (IllegalArgumentException e) {
            String field = c.maxSessionsPerNode() < 0 ? "maxSessionsPerNode"
                    : c.maxBytesPerSecondPerNode() < 0 ? "maxBytesPerSecondPerNode" : "maxPacketsPerSecondPerNode";
            throw new InvalidConfigurationException(PID, field, "must be 0 (unlimited) or positive");
        }
        return new PolicySettings(List.copyOf(relays), rules("allowDestinations", c.allowDestinations()),
                rules("denyDestinations", c.denyDestinations()), rules("denyNodes", c.denyNodes()), limits,
                nodeLimits(c.nodeLimits(), limits));
    }

    private static List<NodeLimits> nodeLimits(String[] entries, RelayLimits defaults) {
        List<NodeLimits> out = new ArrayList<>();
        String[] e = nonNull(entries);
        for (int i = 0; i < e.length; i++) {
            String where = "entry " + (i + 1) + " ('" + e[i] + "')";
            String[] words = e[i] == null ? new String[0] : e[i].trim().split("\\s+");
            if (words.length < 2) {
                throw new InvalidConfigurationException(PID, "nodeLimits", where + ": expected '<node name> sessions=<n> bytesPerSecond=<n> packetsPerSecond=<n>'");
            }
            Rule nodes;
            try {
                nodes = Rule.parse(words[0]);
            } catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationException(PID, "nodeLimits", where + ": " + ex.getMessage());
            }
            int sessions = defaults.maxSessions();
            long bytes = defaults.maxBytesPerSecond();
            long packets = defaults.maxPacketsPerSecond();
            for (int w = 1; w < words.length; w++) {
                String[] kv = words[w].split("=", 2);
                long v;
                try {
                    v = kv.length == 2 ? Long.parseLong(kv[1]) : -1;
                } catch (NumberFormatException ex) {
                    v = -1;
                }
                if (v < 0) {
                    throw new InvalidConfigurationException(PID, "nodeLimits", where + ": '" + words[w] + "' is not <limit>=<number of 0 or more>");
                }
                switch (kv[0]) {
                    case "sessions" -> {
                        if (v > Integer.MAX_VALUE) {
                            throw new InvalidConfigurationException(PID, "nodeLimits", where + ": sessions is at most " + Integer.MAX_VALUE);
                        }
                        sessions = (int) v;
                    }
                    case "bytesPerSecond" -> bytes = v;
                    case "packetsPerSecond" -> packets = v;
                    default -> throw new InvalidConfigurationException(PID, "nodeLimits",
                            where + ": unknown limit '" + kv[0] + "' (sessions, bytesPerSecond, packetsPerSecond)");
                }
            }
            out.add(new NodeLimits(nodes, new RelayLimits(sessions, bytes, packets)));
        }
        return List.copyOf(out);
    }

    private static List<Rule> rules(String field, String[] entries) {
        List<Rule> out = new ArrayList<>();
        String[] e = nonNull(entries);
        for (int i = 0; i < e.length; i++) {
            try {
                out.add(Rule.parse(e[i]));
            } catch (IllegalArgumentException ex) {
                throw new InvalidConfigurationException(PID, field, "entry " + (i + 1) + ": " + ex.getMessage());
            }
        }
        return List.copyOf(out);
    }

    private static String[] nonNull(String[] a) {
        return a == null ? new String[0] : a;
    }
}
