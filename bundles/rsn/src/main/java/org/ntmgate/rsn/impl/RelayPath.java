package org.ntmgate.rsn.impl;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.PathCipher;

/**
 * One relayed path (protocol.md 7.7, 15): the node's and the general node's virtual addresses, the node's egress
 * address and the general node's real one, K_path with its DATA cipher (this end is the responder) and signalling
 * key, the node's current UDP endpoint, and the per-node limits. Fields read on the packet path are final or
 * volatile; the crypto objects are used by one thread each direction (PathCipher's contract).
 */
final class RelayPath {
    final long pathId;
    final long nodeId;
    final int keyId;
    final byte[] key;
    final long lifetimeSeconds;
    final byte[] nodeVirtual;
    final byte[] generalVirtual;
    final byte[] egress;
    final byte[] real;
    /** The name the node asked for (the general node's), or null. */
    final String fqdn;
    final RelayLimits limits;
    final PathCipher cipher;
    final MacKey signalling;
    /** The node this path belongs to: its egress address and limits are per node (15.1, 15.5). */
    RelayNode node;
    final long created;
    /** This path's own share of the relay's counters (the console's tunnel list). */
    final Flow toReal = new Flow();
    final Flow toNode = new Flow();
    volatile InetSocketAddress endpoint;
    volatile long lastData;
    /** The send counter may go up to this before a new reservation is stored (15.6). */
    volatile long sendLimit;
    volatile TranslationEntry nodeEntry;
    volatile TranslationEntry generalEntry;

    RelayPath(long pathId, long nodeId, int keyId, byte[] key, long lifetimeSeconds, byte[] nodeVirtual, byte[] generalVirtual, byte[] egress,
            byte[] real, String fqdn, RelayLimits limits, long nowMillis) {
        this.pathId = pathId;
        this.nodeId = nodeId;
        this.keyId = keyId;
        this.key = key;
        this.lifetimeSeconds = lifetimeSeconds;
        this.nodeVirtual = nodeVirtual;
        this.generalVirtual = generalVirtual;
        this.egress = egress;
        this.real = real;
        this.fqdn = fqdn;
        this.limits = limits;
        this.cipher = new PathCipher(key, pathId, false, 0);
        this.signalling = PathCipher.signallingKey(key, pathId, keyId);
        this.lastData = nowMillis;
        this.created = nowMillis;
    }

    /** Packets and bytes one way. */
    static final class Flow {
        private final LongAdder packets = new LongAdder();
        private final LongAdder bytes = new LongAdder();

        void count(int length) {
            packets.increment();
            bytes.add(length);
        }

        long packets() {
            return packets.sum();
        }

        long bytes() {
            return bytes.sum();
        }
    }

    static String text(byte[] a) {
        return org.ntmgate.api.net.AddressFormat.format(a);
    }

    @Override
    public String toString() {
        return String.format("path %016x node %016x %s -> %s via %s -> %s%s", pathId, nodeId, text(nodeVirtual), text(generalVirtual), text(egress),
                text(real), fqdn == null ? "" : " (" + fqdn + ")");
    }
}
