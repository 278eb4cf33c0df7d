package org.ntmgate.node.impl;

import java.util.LinkedHashMap;
import java.util.Map;

import org.ntmgate.packet.IpPacket;
import org.ntmgate.role.Key128;

/**
 * protocol.md 11.6.3: the ports of a fragmented datagram are in its first fragment only, so the address its first
 * fragment was translated to is remembered by (source, destination, identification, protocol) for the datagram's
 * other fragments: 10 s, at most 1,024 datagrams (the oldest gives way). Fragments are rare: this allocates and locks.
 */
final class FragmentFlows {
    static final long KEEP_MILLIS = 10_000;
    static final int MAX = 1024;

    record Datagram(Key128 source, Key128 destination, long identification, int protocol) {
    }

    private record Seen(byte[] address, long at) {
    }

    private final Map<Datagram, Seen> datagrams = new LinkedHashMap<>(64, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Datagram, Seen> eldest) {
            return size() > MAX;
        }
    };

    /** The datagram {@code six} (a fragment, as it arrived) belongs to. */
    static Datagram key(IpPacket six) {
        return new Datagram(Key128.of(six.buffer(), six.sourceAddressOffset()), Key128.of(six.buffer(), six.destinationAddressOffset()),
                six.fragmentIdentification(), six.protocol());
    }

    /** The first fragment of {@code datagram} went to or came from {@code address} after translation. */
    synchronized void first(Datagram datagram, byte[] address, long now) {
        datagrams.put(datagram, new Seen(address, now));
    }

    /** The address the first fragment of {@code six}'s datagram was given, or null (none seen, or too long ago). */
    synchronized byte[] later(IpPacket six, long now) {
        Seen s = datagrams.get(key(six));
        return s == null || now - s.at > KEEP_MILLIS ? null : s.address;
    }

    synchronized int size() {
        return datagrams.size();
    }
}
