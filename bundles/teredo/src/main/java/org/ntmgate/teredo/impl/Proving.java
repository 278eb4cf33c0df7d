package org.ntmgate.teredo.impl;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A peer the Teredo relay asked to prove its mapping (RFC 4380 5.4.1): the packets waiting for it, and the bubble
 * rounds sent so far. Guarded by itself.
 */
final class Proving {
    final TeredoAddress client;
    final byte[] bubbleSource;
    final ArrayDeque<byte[]> packets = new ArrayDeque<>();
    /** Where a datagram claiming the peer came from, if not its proven mapping: asked directly too. */
    InetSocketAddress seenAt;
    int rounds;
    long lastRound;

    Proving(TeredoAddress client, byte[] bubbleSource) {
        this.client = client;
        this.bubbleSource = bubbleSource;
    }
}
