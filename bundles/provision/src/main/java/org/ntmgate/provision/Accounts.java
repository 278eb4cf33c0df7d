package org.ntmgate.provision;

import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Node accounts as configurations of factory PID {@code org.ntmgate.as.account} (the AS's README): the name a node
 * logs in with, its credential, whether it may. The console's Accounts page writes them through ConfigAdmin, the
 * {@code ntmgate account add} command as a file for a gateway's {@code deploy/} folder; both name an account's
 * configuration the same way, so a file and the page never make two of one account.
 */
public final class Accounts {
    public static final String FACTORY_PID = "org.ntmgate.as.account";
    /** Length of a generated password: 20 characters of 55 (about 115 bits). */
    public static final int PASSWORD_LENGTH = 20;
    /** Letters and digits that no one confuses when reading them out (no 0/O, 1/l/I). */
    private static final String ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Accounts() {
    }

    /** The FQDN as the AS keeps it: trimmed, lower case, no trailing dot (the AS's validator judges the rest). */
    public static String fqdn(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    /** The configuration's name within the factory: the FQDN, anything but a name's characters replaced by '_'. */
    public static String name(String fqdn) {
        return fqdn(fqdn).replaceAll("[^a-z0-9._-]", "_");
    }

    /** The account's configuration PID in ConfigAdmin: {@code org.ntmgate.as.account~<name>}. */
    public static String pid(String fqdn) {
        return FACTORY_PID + "~" + name(fqdn);
    }

    /** The file in {@code deploy/} that makes the same configuration: {@code org.ntmgate.as.account-<name>.cfg}. */
    public static String fileName(String fqdn) {
        return FACTORY_PID + "-" + name(fqdn) + ".cfg";
    }

    /** A new password: {@link #PASSWORD_LENGTH} characters of an alphabet without look-alikes. */
    public static String password() {
        StringBuilder sb = new StringBuilder(PASSWORD_LENGTH);
        for (int i = 0; i < PASSWORD_LENGTH; i++) {
            sb.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return sb.toString();
    }

    /** The account configuration's properties: {@code fqdn}, {@code credential}, {@code enabled}. */
    public static Map<String, Object> properties(String fqdn, String credential, boolean enabled) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("fqdn", fqdn(fqdn));
        p.put("credential", credential);
        p.put("enabled", enabled);
        return p;
    }

    /** The same as the text of a {@code .cfg} file (Java properties, as FileInstall reads them). */
    public static String cfg(String fqdn, String credential, boolean enabled) {
        StringBuilder sb = new StringBuilder("# Node account ").append(fqdn(fqdn)).append(" (bundles/as/README.md)\n");
        properties(fqdn, credential, enabled).forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
        return sb.toString();
    }
}
