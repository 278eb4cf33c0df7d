package org.ntmgate.policy.impl;

import java.net.InetAddress;
import java.util.Locale;

import org.ntmgate.api.net.Prefix;

/**
 * One rule entry: everything ({@code name} and {@code prefix} null), a name and the names below it, or a prefix.
 *
 * @param text the entry as written, trimmed and in lower case
 */
record Rule(String text, String name, Prefix prefix) {

    /** Parses an entry; IllegalArgumentException says what is wrong with it. */
    static Rule parse(String entry) {
        String t = entry == null ? "" : entry.trim().toLowerCase(Locale.ROOT);
        if (t.equals("*")) {
            return new Rule(t, null, null);
        }
        if (t.contains("/")) {
            return new Rule(t, null, Prefix.parse(t));
        }
        String n = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
        if (!n.matches("([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*") || n.length() > 253) {
            throw new IllegalArgumentException("'" + entry + "' is neither '*', a DNS name nor a prefix");
        }
        return new Rule(t, n, null);
    }

    boolean matchesName(String fqdn) {
        if (name == null) {
            return prefix == null;
        }
        if (fqdn == null) {
            return false;
        }
        String f = fqdn.toLowerCase(Locale.ROOT);
        f = f.endsWith(".") ? f.substring(0, f.length() - 1) : f;
        return f.equals(name) || f.endsWith("." + name);
    }

    /** How specific the rule is: longer names beat shorter ones, every name beats '*'. */
    int specificity() {
        return name != null ? name.length() + 1 : prefix != null ? prefix.length() : 0;
    }

    boolean matchesAddress(InetAddress address) {
        if (prefix == null) {
            return name == null;
        }
        return address != null && prefix.contains(address);
    }

    @Override
    public String toString() {
        return text;
    }
}
