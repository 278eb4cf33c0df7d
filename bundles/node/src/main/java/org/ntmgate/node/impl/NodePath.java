package org.ntmgate.node.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.PathCipher;

/** A live tunnel of this node to a peer (protocol.md 7.9): its key, cipher, endpoint and inner MTU. */
final class NodePath {
    final long pathId;
    final String name;
    final byte[] peerVirtual;
    final PathCipher cipher;
    final MacKey signalling;
    final int innerMtu;
    final long expiresMillis;
    volatile InetSocketAddress endpoint;

    NodePath(long pathId, String name, byte[] peerVirtual, byte[] key, int keyId, long lifetimeSeconds, InetSocketAddress endpoint, int innerMtu, long now) {
        this.pathId = pathId;
        this.name = name;
        this.peerVirtual = peerVirtual;
        this.cipher = new PathCipher(key, pathId, true, 0);
        this.signalling = PathCipher.signallingKey(key, pathId, keyId);
        this.endpoint = endpoint;
        this.innerMtu = innerMtu;
        this.expiresMillis = now + lifetimeSeconds * 1000;
    }

    InetAddress peer() {
        try {
            return InetAddress.getByAddress(peerVirtual);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
