package org.ntmgate.as.impl;

/**
 * An account (protocol.md 4.1): the node's name, its node id (4.6), and K_node = PBKDF2-HMAC-SHA-256 of the
 * password with {@code salt} and {@code iterations}. The password itself is never kept.
 */
record Account(String fqdn, long nodeId, byte[] salt, int iterations, byte[] key, boolean enabled) {
    Account withEnabled(boolean e) {
        return new Account(fqdn, nodeId, salt, iterations, key, e);
    }
}
