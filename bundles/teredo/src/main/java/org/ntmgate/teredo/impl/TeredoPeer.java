package org.ntmgate.teredo.impl;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;

/**
 * A peer of the Teredo client (RFC 4380 5.2.4-5.2.6, 5.2.9): a Teredo client, or a native host reached through a
 * relay; where it is reached once known, the packets waiting for that each way, and the tries to reach it. The
 * queues and try counters are guarded by the peer itself.
 */
final class TeredoPeer {
    static final long[] NO_ALTERNATES = new long[0];

    final byte[] address;
    final boolean teredo;
    volatile InetSocketAddress mapping;
    volatile long lastHeard;
    volatile long lastBubble;
    volatile long lastAnswer;
    final ArrayDeque<byte[]> out = new ArrayDeque<>();
    final ArrayDeque<byte[]> in = new ArrayDeque<>();
    InetSocketAddress inFrom;
    long echoNonce;
    int attempts;
    long lastAttempt;
    long lastUsed;
    /** H4: the local addresses a peer behind our own NAT advertised ({@code address << 16 | port}); empty: none. */
    volatile long[] alternates = NO_ALTERNATES;
    volatile long lastHairpin;

    TeredoPeer(byte[] address) {
        this.address = address;
        this.teredo = TeredoAddress.isTeredo(address, 0);
    }
}
