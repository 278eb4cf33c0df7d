package org.ntmgate.wire;

/** Finds the key a received message names; null when this receiver does not know it (protocol.md 10.2). */
@FunctionalInterface
public interface KeyLookup {
    MacKey find(int keyId, MessageType type, long id);
}
