package org.ntmgate.node.impl;

import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationValidator;
import org.osgi.service.component.annotations.Component;

/** Checks the NTM node's configuration before it runs. */
@Component(property = ConfigurationValidator.PIDS + "=" + NodeSettings.PID)
public class NodeConfigValidator implements ConfigurationValidator {
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        NodeSettings.of(ConfigChecks.typed(NodeSettings.PID, properties, NodeConfig.class));
    }
}
