package org.ntmgate.table.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the translation table's configuration before it runs. */
@Component(property = ConfigurationValidator.PIDS + "=" + TableSettings.PID)
public class TableConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        TableSettings.from(ConfigChecks.typed(TableSettings.PID, properties, TableConfig.class));
    }
}
