package org.ntmgate.policy;

import java.util.Map;

import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.policy.impl.Fixture;

/** The policy bundle's component outside a framework, configured as ConfigAdmin would configure it. */
public final class PolicyFixture {
    private PolicyFixture() {
    }

    /**
     * The relay policy of configuration {@code properties} (PID {@code org.ntmgate.policy}, as in the shipped
     * defaults or a gateway's file).
     *
     * @throws IllegalArgumentException when the configuration is refused, with the policy bundle's message
     */
    public static RelayPolicy of(Map<String, Object> properties) {
        return Fixture.of(properties);
    }
}
