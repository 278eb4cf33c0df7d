package org.ntmgate.pages.impl;

import java.io.IOException;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.ntmgate.api.config.ConfigurationCheck;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The pages' writes: through ConfigAdmin, the same PIDs as the files in the deploy folder and the stock
 * Configuration page, each checked first by the configuration gate ({@link ConfigurationCheck}), so a refused value
 * is answered with its field and nothing is stored. Without the gate nothing is written.
 */
final class Configurations {
    private static final Set<String> OWN_KEYS = Set.of(Constants.SERVICE_PID, ConfigurationAdmin.SERVICE_FACTORYPID, ConfigurationAdmin.SERVICE_BUNDLELOCATION);

    private Configurations() {
    }

    /** The stored properties of {@code pid} without ConfigAdmin's own keys, or null when there is none. */
    static Map<String, Object> read(ConfigurationAdmin ca, String pid) {
        try {
            Configuration[] cs = ca.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            return cs == null || cs.length == 0 || cs[0].getProperties() == null ? null : plain(cs[0].getProperties());
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("could not read configuration " + pid + ": " + e.getMessage(), e);
        }
    }

    /** Every configuration of {@code factoryPid}: PID to properties. */
    static Map<String, Map<String, Object>> factory(ConfigurationAdmin ca, String factoryPid) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        try {
            Configuration[] cs = ca.listConfigurations("(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + factoryPid + ")");
            if (cs != null) {
                for (Configuration c : cs) {
                    if (c.getProperties() != null) {
                        out.put(c.getPid(), plain(c.getProperties()));
                    }
                }
            }
        } catch (IOException | InvalidSyntaxException e) {
            throw new IllegalStateException("could not list configurations of " + factoryPid + ": " + e.getMessage(), e);
        }
        return out;
    }

    static Map<String, Object> plain(Dictionary<String, Object> d) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Enumeration<String> k = d.keys(); k.hasMoreElements();) {
            String key = k.nextElement();
            if (!OWN_KEYS.contains(key)) {
                m.put(key, d.get(key));
            }
        }
        return m;
    }

    /**
     * Checks {@code properties} for {@code pid} with the gate, then stores them (replacing what was stored).
     * {@code factoryPid} non-null: {@code pid} is the named factory configuration {@code factoryPid~name}.
     */
    static void write(ConfigurationAdmin ca, ConfigurationCheck gate, String pid, String factoryPid, Map<String, Object> properties) {
        if (gate == null || ca == null) {
            throw new PageException(503, null, "the configuration gate (bundle org.ntmgate.config) is not running: nothing is written unchecked");
        }
        try {
            gate.check(pid, factoryPid, properties);
        } catch (InvalidConfigurationException e) {
            throw PageException.refused(e);
        }
        try {
            Configuration c = factoryPid != null && pid.startsWith(factoryPid + "~")
                    ? ca.getFactoryConfiguration(factoryPid, pid.substring(factoryPid.length() + 1), "?")
                    : ca.getConfiguration(pid, "?");
            c.update(new Hashtable<>(properties));
        } catch (IOException e) {
            throw new PageException(500, null, "configuration " + pid + " could not be stored: " + e.getMessage());
        }
    }

    /** Checks with the gate that {@code pid} may go (a file in the deploy folder does not own it), then deletes it. */
    static void delete(ConfigurationAdmin ca, ConfigurationCheck gate, String pid) {
        if (gate == null || ca == null) {
            throw new PageException(503, null, "the configuration gate (bundle org.ntmgate.config) is not running: nothing is changed unchecked");
        }
        try {
            gate.checkDelete(pid);
        } catch (InvalidConfigurationException e) {
            throw PageException.refused(e);
        }
        try {
            Configuration[] cs = ca.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            if (cs == null || cs.length == 0) {
                throw new PageException(404, null, "no configuration " + pid);
            }
            cs[0].delete();
        } catch (IOException | InvalidSyntaxException e) {
            throw new PageException(500, null, "configuration " + pid + " could not be deleted: " + e.getMessage());
        }
    }
}
