package org.ntmgate.policy.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayPolicy;

/** Behind {@link org.ntmgate.policy.PolicyFixture}. */
public final class Fixture {
    private Fixture() {
    }

    public static RelayPolicy of(Map<String, Object> properties) {
        PolicyConfig config = ConfigChecks.typed(PolicySettings.PID, properties, PolicyConfig.class);
        try {
            PolicySettings.from(config);
        } catch (InvalidConfigurationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        RelayPolicyComponent p = new RelayPolicyComponent();
        p.configure(config);
        return p;
    }
}
