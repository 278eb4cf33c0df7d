package org.ntmgate.config.impl;

import java.lang.reflect.Array;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

import org.osgi.framework.Constants;
import org.osgi.service.cm.ConfigurationAdmin;

/** A configuration's properties as the gate compares and keeps them: without the keys ConfigAdmin sets itself. */
final class Properties {
    /** FileInstall's mark on a configuration read from a file in the deploy folder (its URL). */
    static final String FILE = "felix.fileinstall.filename";

    private Properties() {
    }

    static Map<String, Object> of(Dictionary<String, ?> d) {
        Map<String, Object> m = new TreeMap<>();
        if (d != null) {
            for (String k : Collections.list(d.keys())) {
                if (!k.equals(Constants.SERVICE_PID) && !k.equals(ConfigurationAdmin.SERVICE_FACTORYPID)
                        && !k.equals(ConfigurationAdmin.SERVICE_BUNDLELOCATION)) {
                    m.put(k, d.get(k));
                }
            }
        }
        return m;
    }

    static Dictionary<String, Object> dictionary(Map<String, Object> m) {
        return new Hashtable<>(m);
    }

    /** Equal keys and values, arrays compared by content. */
    static boolean same(Map<String, Object> a, Map<String, Object> b) {
        if (a == null || b == null || !a.keySet().equals(b.keySet())) {
            return a == b;
        }
        for (Map.Entry<String, Object> e : a.entrySet()) {
            if (!sameValue(e.getValue(), b.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameValue(Object x, Object y) {
        if (x != null && y != null && x.getClass().isArray() && y.getClass().isArray()) {
            int n = Array.getLength(x);
            if (n != Array.getLength(y)) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!Objects.equals(Array.get(x, i), Array.get(y, i))) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(x, y);
    }

    /** The deploy-folder file a configuration came from ("deploy/x.cfg"), or null. */
    static String file(Map<String, Object> m) {
        Object f = m.get(FILE);
        if (f == null) {
            return null;
        }
        String s = f.toString();
        int slash = s.lastIndexOf('/');
        return "deploy/" + (slash < 0 ? s : s.substring(slash + 1));
    }
}
