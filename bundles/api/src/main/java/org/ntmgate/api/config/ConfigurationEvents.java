package org.ntmgate.api.config;

import java.util.Map;

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

    /** The properties of the refusal event for {@code e}: post them under {@link #TOPIC_REFUSED}. */
    public static Map<String, Object> refusal(InvalidConfigurationException e) {
        return Map.of(PID, e.pid(), FIELD, e.field(), MESSAGE, e.getMessage());
    }

    /** Posts the refusal on {@link #TOPIC_REFUSED} (the console shows it); nothing when there is no Event Admin. */
    public static void post(org.osgi.service.event.EventAdmin eventAdmin, InvalidConfigurationException e) {
        if (eventAdmin != null) {
            eventAdmin.postEvent(new org.osgi.service.event.Event(TOPIC_REFUSED, refusal(e)));
        }
    }
}
