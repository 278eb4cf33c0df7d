package org.ntmgate.policy.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the relay policy's configuration before it runs. */
@Component(property = ConfigurationValidator.PIDS + "=" + PolicySettings.PID)
public class PolicyConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        PolicySettings.from(ConfigChecks.typed(PolicySettings.PID, properties, PolicyConfig.class));
    }
}
