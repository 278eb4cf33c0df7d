package org.ntmgate.itest;

import java.io.IOException;
import java.util.Dictionary;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** Changes to stored configurations, as an admin makes them through ConfigAdmin. */
final class Configs {
    private Configs() {
    }

    /** Stores the configuration {@code pid} with {@code key} set to {@code value}, the rest as it is; the configuration. */
    static Configuration put(ConfigurationAdmin cm, String pid, String key, Object value) throws IOException {
        Configuration c = cm.getConfiguration(pid, "?");
        Dictionary<String, Object> p = c.getProperties();
        p.put(key, value);
        c.update(p);
        return c;
    }
}
