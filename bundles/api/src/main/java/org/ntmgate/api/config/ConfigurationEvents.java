package org.ntmgate.api.config;

/** EventAdmin topic and properties of a refused configuration. */
public final class ConfigurationEvents {
    private ConfigurationEvents() {
    }

    /** Posted when a component refuses a configuration and keeps its previous settings. */
    public static final String TOPIC_REFUSED = "org/ntmgate/config/REFUSED";
    /** String: the configuration PID (for a factory configuration, the factory PID). */
    public static final String PID = "config.pid";
    /** String: the refused field. */
    public static final String FIELD = "config.field";
    /** String: the full message, as logged. */
    public static final String MESSAGE = "config.message";
}
