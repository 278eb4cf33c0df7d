package org.ntmgate.api.config;

import java.util.Map;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Checks a configuration before it runs, for the bundle that owns its PID. Registered as a service with
 * {@link #PIDS} naming the PIDs (or factory PIDs) it checks; the configuration gate calls it for every write, from
 * every entry point (the Web Console's Configuration page before it stores, files in the deploy folder and every
 * other ConfigAdmin write after the fact), and puts back the last accepted configuration of a PID it refuses.
 */
@ConsumerType
public interface ConfigurationValidator {
    /** Service property (String or String[]): the PIDs and factory PIDs this validator checks. */
    String PIDS = "ntmgate.config.pid";

    /**
     * Refuses {@code properties} with an {@link InvalidConfigurationException} naming the field and the reason, or
     * returns. Must not change anything: the configuration may never be stored.
     *
     * @param pid the configuration's PID (for a factory configuration, its own PID)
     * @param factoryPid the factory PID, or null for a singleton configuration
     * @param properties the properties as they would be stored
     */
    void validate(String pid, String factoryPid, Map<String, Object> properties);
}
