package org.ntmgate.teredo.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the Teredo server's, relay's and client's configurations before they run. */
@Component(property = { ConfigurationValidator.PIDS + "=" + TeredoServerComponent.PID,
        ConfigurationValidator.PIDS + "=" + TeredoRelayComponent.PID, ConfigurationValidator.PIDS + "=" + TeredoClientComponent.PID })
public class TeredoConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        switch (pid) {
        case TeredoServerComponent.PID -> TeredoServerSettings.of(ConfigChecks.typed(pid, properties, TeredoServerConfig.class));
        case TeredoRelayComponent.PID -> TeredoRelaySettings.of(ConfigChecks.typed(pid, properties, TeredoRelayConfig.class));
        case TeredoClientComponent.PID -> TeredoClientSettings.of(ConfigChecks.typed(pid, properties, TeredoClientConfig.class));
        default -> throw new IllegalArgumentException("not a Teredo PID: " + pid);
        }
    }
}
