package org.ntmgate.wire;

/**
 * Finds the key a received message names; null when this receiver does not know it (protocol.md 10.2), or a
 * {@link WireDecodeException} naming why more exactly (a path id this receiver holds no path for:
 * {@link WireDecodeException.Reason#UNKNOWN_PATH}).
 */
@FunctionalInterface
public interface KeyLookup {
    MacKey find(int keyId, MessageType type, long id) throws WireDecodeException;
}
