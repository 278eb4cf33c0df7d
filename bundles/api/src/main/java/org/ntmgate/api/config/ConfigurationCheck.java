package org.ntmgate.api.config;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The configuration gate's check before a write, for code that writes configurations on an admin's behalf (the
 * console's pages, the JSON API): the same validators, the same messages, as the gate applies to every other
 * entry point. A write that passes is then made through ConfigurationAdmin as usual.
 */
@ProviderType
public interface ConfigurationCheck {
    /**
     * Throws the owner's {@link InvalidConfigurationException} (naming the field) when {@code properties} would be
     * refused; returns when they would be accepted.
     *
     * @param pid the configuration's PID (for a named factory configuration, {@code factoryPid~name})
     * @param factoryPid its factory PID, or null
     */
    void check(String pid, String factoryPid, Map<String, Object> properties);

    /** Throws {@link InvalidConfigurationException} when {@code pid} may not be deleted (a file in the deploy folder owns it). */
    void checkDelete(String pid);
}
