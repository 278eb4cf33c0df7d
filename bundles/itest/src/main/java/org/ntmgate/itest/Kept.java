package org.ntmgate.itest;

import java.io.IOException;
import java.util.Dictionary;

import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/** A configuration as it stood when a test began (null: there was none), to put back when the test ends. */
record Kept(ConfigurationAdmin cm, String pid, Dictionary<String, Object> properties) {

    static Kept of(ConfigurationAdmin cm, String pid) throws IOException {
        return new Kept(cm, pid, cm.getConfiguration(pid, "?").getProperties());
    }

    /** Stores the kept properties again, or deletes the configuration if there was none. */
    void restore() throws IOException {
        Configuration c = cm.getConfiguration(pid, "?");
        if (properties != null) {
            c.update(properties);
        } else if (c.getProperties() != null) {
            c.delete();
        }
    }
}
