package org.ntmgate.as.impl;

/**
 * An account (protocol.md 4.1): the node's name, its node id (4.6), and K_node = PBKDF2-HMAC-SHA-256 of the
 * password with {@code salt} and {@code iterations}. The password itself is never kept. {@code created} and
 * {@code lastLogin} are epoch seconds, 0 when not known (an account from before that record) or never.
 */
record Account(String fqdn, long nodeId, byte[] salt, int iterations, byte[] key, boolean enabled, long created, long lastLogin) {
    Account withEnabled(boolean e) {
        return new Account(fqdn, nodeId, salt, iterations, key, e, created, lastLogin);
    }

    Account withLastLogin(long seconds) {
        return new Account(fqdn, nodeId, salt, iterations, key, enabled, created, seconds);
    }

    /** Whether going from this to {@code next} (null: removed) takes away what this account was given (protocol.md 4.7). */
    boolean revokedBy(Account next) {
        return enabled && (next == null || !next.enabled || !java.util.Arrays.equals(key, next.key));
    }
}
