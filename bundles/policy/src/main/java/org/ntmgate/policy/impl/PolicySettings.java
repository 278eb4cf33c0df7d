package org.ntmgate.policy.impl;

import java.util.ArrayList;
import java.util.List;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayLimits;

/** Validated policy; {@link #from} names the field (and the entry) of anything it refuses. */
record PolicySettings(List<String> allowedRelays, List<Rule> allow, List<Rule> deny, List<Rule> denyNodes, RelayLimits limits) {
    static final String PID = "org.ntmgate.policy";
    static final PolicySettings OPEN = new PolicySettings(List.of(), List.of(), List.of(), List.of(), new RelayLimits(64, 0, 0));

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
                rules("denyDestinations", c.denyDestinations()), rules("denyNodes", c.denyNodes()), limits);
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
