package org.ntmgate.wire;

import org.ntmgate.provision.Credentials;

/**
 * K_node from a password (protocol.md 4.1): PBKDF2-HMAC-SHA-256, 32 bytes. The node derives it at login as the AS's
 * credentials were derived ({@link Credentials#derive}, the one implementation).
 */
public final class NodeKey {
    private NodeKey() {
    }

    public static byte[] derive(String password, byte[] salt, int iterations) {
        return Credentials.derive(password, salt, iterations);
    }
}
