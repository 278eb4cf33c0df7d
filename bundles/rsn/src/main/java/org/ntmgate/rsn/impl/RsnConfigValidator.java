package org.ntmgate.rsn.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the RS-N's configuration before it runs. */
@Component(property = ConfigurationValidator.PIDS + "=" + RsnSettings.PID)
public class RsnConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        RsnSettings.of(ConfigChecks.typed(RsnSettings.PID, properties, RsnConfig.class));
    }
}
