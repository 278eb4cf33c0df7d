package org.ntmgate.dc.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the Direction Coordinator's configuration before it runs. */
@Component(property = ConfigurationValidator.PIDS + "=" + DcSettings.PID)
public class DcConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        DcSettings.from(ConfigChecks.typed(DcSettings.PID, properties, DcConfig.class));
    }
}
