package org.ntmgate.as.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the Account Server's configuration and its accounts' factory configurations before they run. */
@Component(property = { ConfigurationValidator.PIDS + "=" + AccountServerComponent.PID,
        ConfigurationValidator.PIDS + "=" + AccountServerComponent.ACCOUNT_PID })
public class AsConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        if (AccountServerComponent.ACCOUNT_PID.equals(factoryPid)) {
            AccountServerComponent.account(pid, ConfigChecks.typed(AccountServerComponent.ACCOUNT_PID, properties, AccountConfig.class));
        } else {
            AsSettings.of(ConfigChecks.typed(AsSettings.PID, properties, AsConfig.class));
        }
    }
}
