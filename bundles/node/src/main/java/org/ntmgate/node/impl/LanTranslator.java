package org.ntmgate.node.impl;

import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.packet.InternetChecksum;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.role.Key128;
import org.ntmgate.packet.IpProtocol;

/**
 * Gateway mode (protocol.md 11.4) and the IPv4 service's sources (11.6.1): LAN hosts' packets, and IPv4 packets
 * translated to IPv6 (their sources IPv4-mapped), leave through the tunnel with the node's own virtual address as
 * source and a port (or ICMPv6 echo identifier) from the node's reserved range, and come back to the host and port
 * that sent them; an ICMPv6 error about such a flow goes back with its quoted packet translated too, and a fragmented
 * datagram's later fragments follow its first ({@link FragmentFlows}). Endpoint-independent mapping; a mapping idle
 * for {@link #IDLE_MILLIS} is forgotten. Used by the node's TUN thread (outbound) and its UDP thread (inbound).
 */
final class LanTranslator {
    static final long IDLE_MILLIS = 300_000;

    private record Inside(Key128 host, int protocol, int port) {
    }

    private static final class Mapping {
        final Inside inside;
        final byte[] host;
        final int outside;
        volatile long used;

        Mapping(Inside inside, byte[] host, int outside, long now) {
            this.inside = inside;
            this.host = host;
            this.outside = outside;
            this.used = now;
        }
    }

    private final Prefix lan;
    private final byte[] lanNet;
    private final FragmentFlows fragments = new FragmentFlows();
    private final byte[] self;
    private final int first;
    private final int last;
    private final Map<Inside, Mapping> byInside = new ConcurrentHashMap<>();
    private final Map<Long, Mapping> byOutside = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();
    private int next;

    /** {@code lan}: the LAN's IPv6 prefix, or null (IPv4 sources only). */
    LanTranslator(Prefix lan, byte[] selfVirtual, int firstPort, int lastPort) {
        this.lan = lan;
        this.lanNet = lan == null ? null : lan.network().getAddress();
        this.self = selfVirtual;
        this.first = firstPort;
        this.last = lastPort;
        this.next = firstPort;
    }

    /** True when {@code ip}'s source lies in the LAN prefix (a packet to translate on its way out). */
    boolean fromLan(IpPacket ip) {
        if (lan == null) {
            return false;
        }
        ByteBuf b = ip.buffer();
        int at = ip.sourceAddressOffset();
        int bits = lan.length();
        for (int i = 0; bits > 0; i++, bits -= 8) {
            int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
            if (((b.getByte(at + i) ^ lanNet[i]) & mask) != 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Where the identifier that keeps LAN flows apart stands in {@code ip}'s transport header: the TCP or UDP port at
     * {@code portWord} (0: source, 2: destination), the identifier (word 4) of an ICMPv6 echo of {@code echoType}; -1:
     * the packet has none.
     */
    private static int flowWord(IpPacket ip, int portWord, int echoType) {
        int proto = ip.protocol();
        if (proto == IpProtocol.TCP || proto == IpProtocol.UDP) {
            return portWord;
        }
        return proto == IpProtocol.ICMPV6 && ip.icmpType() == echoType && ip.transportLength() >= 8 ? 4 : -1;
    }

    /** The identifier at {@code wordAt} ({@link #flowWord}), or -1 (none, or a truncated header). */
    private static int flowId(IpPacket ip, int wordAt) {
        return switch (wordAt) {
        case 0 -> ip.sourcePort();
        case 2 -> ip.destinationPort();
        case 4 -> ip.buffer().getUnsignedShort(ip.transportOffset() + 4);
        default -> -1;
        };
    }

    /**
     * Outbound: source -> the node's virtual address and a port of its range (an ICMPv6 error: the flow its quoted
     * packet belongs to; a later fragment: as its first fragment); false when it cannot be mapped.
     */
    boolean outbound(IpPacket ip, long now) {
        if (ip.fragmentOffset() != 0) {
            if (fragments.later(ip, now) == null) {
                return false;
            }
            ip.rewriteSource(self);
            return true;
        }
        if (isError(ip)) {
            return error(ip, 24, false, now);
        }
        if (!ip.isFragment()) {
            return flowOut(ip, now);
        }
        FragmentFlows.Datagram d = FragmentFlows.key(ip); // the later fragments come as this one did
        if (!flowOut(ip, now)) {
            return false;
        }
        fragments.first(d, self, now);
        return true;
    }

    private boolean flowOut(IpPacket ip, long now) {
        int proto = ip.protocol();
        int wordAt = flowWord(ip, 0, PacketBuilder.ICMPV6_ECHO_REQUEST);
        int port = flowId(ip, wordAt);
        if (port < 0) {
            refused.increment(); // other protocols have no port to keep LAN hosts apart
            return false;
        }
        ByteBuf b = ip.buffer();
        Inside key = new Inside(Key128.of(b, ip.sourceAddressOffset()), proto, port);
        Mapping m = byInside.get(key);
        if (m == null) {
            byte[] host = new byte[16];
            ip.copySourceAddress(host, 0);
            m = allocate(key, host, now);
            if (m == null) {
                refused.increment();
                return false;
            }
        }
        m.used = now;
        ip.rewriteSource(self);
        ip.rewriteTransportWord(wordAt, m.outside);
        return true;
    }

    /**
     * Inbound: a packet to the node's virtual address and a mapped port goes back to its LAN host (an ICMPv6 error: the
     * host of the flow its quoted packet belongs to; a later fragment: as its first fragment); false: not a LAN flow.
     */
    boolean inbound(IpPacket ip, long now) {
        if (ip.fragmentOffset() != 0) {
            byte[] host = fragments.later(ip, now);
            if (host == null) {
                return false;
            }
            ip.rewriteDestination(host);
            return true;
        }
        if (isError(ip)) {
            return error(ip, 8, true, now);
        }
        if (!ip.isFragment()) {
            return flowIn(ip, now);
        }
        FragmentFlows.Datagram d = FragmentFlows.key(ip);
        if (!flowIn(ip, now)) {
            return false;
        }
        byte[] host = new byte[16];
        ip.copyDestinationAddress(host, 0);
        fragments.first(d, host, now);
        return true;
    }

    private boolean flowIn(IpPacket ip, long now) {
        int proto = ip.protocol();
        int wordAt = flowWord(ip, 2, PacketBuilder.ICMPV6_ECHO_REPLY);
        int port = flowId(ip, wordAt);
        if (port < first || port > last) { // -1: not a flow a LAN host could have
            return false;
        }
        Mapping m = byOutside.get(((long) proto << 16) | port);
        if (m == null) {
            return false;
        }
        m.used = now;
        ip.rewriteDestination(m.host);
        ip.rewriteTransportWord(wordAt, m.inside.port());
        return true;
    }

    private static boolean isError(IpPacket ip) {
        int t = ip.icmpType();
        return ip.protocol() == IpProtocol.ICMPV6 && t >= 0 && t < 128 && ip.transportLength() >= 8 + 40;
    }

    /**
     * 11.4: an ICMPv6 error about a translated flow. Its quoted packet (after the 8-byte ICMPv6 header) has the flow's
     * outside address and port where {@code inbound} (at 8: the source, the node's own packet) or the host's where
     * outbound (at 24: the destination, a packet the host received): both are turned around, the outer address with
     * them, and the checksums made right again.
     */
    private boolean error(IpPacket ip, int quotedAddress, boolean inbound, long now) {
        ByteBuf b = ip.buffer();
        int q = ip.transportOffset() + 8;
        int end = ip.transportOffset() + ip.transportLength();
        int next = b.getUnsignedByte(q + 6);
        int t = q + 40;
        if (next == IpProtocol.FRAGMENT) {
            if (t + 8 > end || (b.getUnsignedShort(t + 2) >>> 3) != 0) {
                return false;
            }
            next = b.getUnsignedByte(t);
            t += 8;
        }
        int wordAt = next == IpProtocol.TCP || next == IpProtocol.UDP ? (inbound ? 0 : 2)
                : next == IpProtocol.ICMPV6 && t < end && b.getUnsignedByte(t) == (inbound ? PacketBuilder.ICMPV6_ECHO_REQUEST : PacketBuilder.ICMPV6_ECHO_REPLY) ? 4 : -1;
        if (wordAt < 0 || t + wordAt + 2 > end) {
            return false;
        }
        int port = b.getUnsignedShort(t + wordAt);
        Mapping m;
        byte[] address;
        int newPort;
        if (inbound) {
            if (port < first || port > last || !IpPacket.bytesAt(b, q + quotedAddress, self)) {
                return false;
            }
            m = byOutside.get(((long) next << 16) | port);
            if (m == null) {
                return false;
            }
            address = m.host;
            newPort = m.inside.port();
        } else {
            m = byInside.get(new Inside(Key128.of(b, q + quotedAddress), next, port));
            if (m == null) {
                return false;
            }
            address = self;
            newPort = m.outside;
        }
        m.used = now;
        int field = next == IpProtocol.TCP ? 16 : next == IpProtocol.UDP ? 6 : 2;
        long oldSum = InternetChecksum.sum(b, q + quotedAddress, 16) + port;
        b.setBytes(q + quotedAddress, address);
        b.setShort(t + wordAt, newPort);
        if (t + field + 2 <= end && !(next == IpProtocol.UDP && b.getUnsignedShort(t + field) == 0)) {
            int c = InternetChecksum.update(b.getUnsignedShort(t + field), oldSum, InternetChecksum.sum(address) + newPort);
            b.setShort(t + field, next == IpProtocol.UDP && c == 0 ? 0xFFFF : c);
        }
        b.setBytes(inbound ? ip.destinationAddressOffset() : ip.sourceAddressOffset(), address);
        ip.computeTransportChecksum(); // the error's own, over all it now says
        return true;
    }

    private synchronized Mapping allocate(Inside key, byte[] host, long now) {
        Mapping m = byInside.get(key);
        if (m != null) {
            return m;
        }
        int span = last - first + 1;
        for (int i = 0; i < span; i++) {
            int port = next;
            next = next == last ? first : next + 1;
            long outside = ((long) key.protocol() << 16) | port;
            Mapping old = byOutside.get(outside);
            if (old != null && now - old.used < IDLE_MILLIS) {
                continue;
            }
            if (old != null) {
                byInside.remove(old.inside, old);
            }
            m = new Mapping(key, host, port, now);
            byOutside.put(outside, m);
            byInside.put(key, m);
            return m;
        }
        return null;
    }

    /** Forgets mappings idle for {@link #IDLE_MILLIS}. */
    void expire(long now) {
        byInside.values().removeIf(m -> {
            if (now - m.used >= IDLE_MILLIS) {
                byOutside.remove(((long) m.inside.protocol() << 16) | m.outside, m);
                return true;
            }
            return false;
        });
    }

    int mappings() {
        return byInside.size();
    }

    long refused() {
        return refused.sum();
    }

    static boolean sameAddress(byte[] a, byte[] b) {
        return Arrays.equals(a, b);
    }
}
