package org.ntmgate.policy.impl;

import java.net.InetAddress;
import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;

/** The relay policy with a few rules and its full list of recent refusals. */
public final class BenchPolicy {
    private BenchPolicy() {
    }

    public static RelayPolicy withRefusals() throws Exception {
        RelayPolicyComponent p = new RelayPolicyComponent();
        p.configure(ConfigChecks.typed("org.ntmgate.policy", Map.of("denyDestinations", new String[] { "2001:db8:bad::/48", "blocked.example" },
                "denyNodes", new String[] { "lost.example.net" }), PolicyConfig.class));
        for (int i = 0; i < 200; i++) {
            p.decide(new RelayRequest("home-" + i + ".subscribers.example.net", "www.blocked.example", InetAddress.getByName("2001:db8:bad::" + Integer.toHexString(i + 1)),
                    null));
        }
        return p;
    }
}
