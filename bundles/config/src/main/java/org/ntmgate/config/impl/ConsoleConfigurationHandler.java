package org.ntmgate.config.impl;

import java.util.Dictionary;

import org.apache.felix.webconsole.spi.ConfigurationHandler;
import org.apache.felix.webconsole.spi.ValidationException;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * The Web Console's Configuration page asks this before it stores or deletes anything: a value the PID's owner
 * refuses, or an edit of a configuration that a file in the deploy folder manages, is answered with HTTP 400 and the
 * one-line reason (the page shows it in its error dialog), and nothing is stored.
 */
@Component(service = ConfigurationHandler.class)
public class ConsoleConfigurationHandler implements ConfigurationHandler {
    @Reference
    private ConfigurationGate gate;

    @Override
    public void createConfiguration(String pid) {
        // Nothing is stored until the first update, which is checked.
    }

    @Override
    public void createFactoryConfiguration(String factoryPid, String name) {
        // As above.
    }

    @Override
    public void deleteConfiguration(String factoryPid, String pid) throws ValidationException {
        try {
            gate.checkDelete(pid);
        } catch (InvalidConfigurationException e) {
            throw new ValidationException(e.getMessage());
        }
    }

    @Override
    public void updateConfiguration(String factoryPid, String pid, Dictionary<String, Object> props) throws ValidationException {
        try {
            gate.check(pid, factoryPid, Properties.of(props));
        } catch (InvalidConfigurationException e) {
            throw new ValidationException(e.getMessage());
        }
    }
}
