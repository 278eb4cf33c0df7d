package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import org.ntmgate.role.TokenBucket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.wire.Counts;
import org.ntmgate.wire.DropCounters;

/**
 * The Teredo server's decisions (RFC 4380 section 5.3, with RFC 5991), free of sockets so that they can be tested
 * with any source: a datagram received on the primary or the secondary address either gets answers (each with the
 * socket to send it from and its destination) or is dropped and counted by reason.
 *
 * <ul>
 * <li>Router Solicitations (5.3.2): a Router Advertisement with the Teredo prefix of the primary address, sent back
 * from the socket the solicitation came in on, or from the other one when the solicitation asks for the cone check
 * (RFC 4380 5.2.1 and 5.3.2: source fe80::8000:5445:5245:444f), with the client's
 * mapped address and port as origin indication and the solicitation's nonce echoed (RFC 5991 section 4).</li>
 * <li>Bubbles and ICMPv6 for a client of this server (5.3.1 (5), (6)), from another Teredo client whose address matches
 * where it sent from, or from a relay: sent on to the destination's mapped address and port with the sender's as origin
 * indication, from the primary address.</li>
 * <li>Everything else is dropped: non-global IPv4 sources (5.2.4), sources whose Teredo address does not match the
 * UDP source, other packet types (this server is no relay), and sources over their rate.</li>
 * </ul>
 */
final class TeredoServer {
    static final int PORT = 3544;
    /** The link-local destination of Router Solicitations: all routers (ff02::2). */
    private static final byte[] ALL_ROUTERS = { (byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
    private static final int ROUTER_SOLICITATION = 133;
    private static final int ROUTER_ADVERTISEMENT = 134;
    /** The link-local source of a client's solicitation asking for the cone check (RFC 4380 5.2.1): cone bit set, "TEREDO". */
    static final byte[] CONE_LINK_LOCAL = { (byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, (byte) 0x80, 0, 0x54, 0x45, 0x52, 0x45, 0x44, 0x4f };
    /** The link-local source of a client's ordinary solicitation (RFC 4380 5.2.1). */
    static final byte[] NON_CONE_LINK_LOCAL = { (byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff,
            (byte) 0xff, (byte) 0xff };
    /** Retransmission timer advertised to clients (Miredo's server says the same). */
    private static final int RETRANS_TIMER_MILLIS = 2000;

    /** Why a datagram was dropped. */
    enum Drop {
        NOT_TEREDO, NOT_GLOBAL_SOURCE, NOT_GLOBAL_DESTINATION, SPOOFED_SOURCE, NOT_FOR_THIS_SERVER, NOT_RELAYED, RATE_LIMITED, MALFORMED_IPV6
    }

    /**
     * One datagram to send: from the secondary address or the primary, to {@code to}; or, when {@code to} is null, an
     * IPv6 packet for the server's IPv6 side (a client's echo request to a native host, 5.3.1).
     */
    record Answer(boolean fromSecondary, InetSocketAddress to, byte[] payload) {
        boolean toIpv6() {
            return to == null;
        }
    }

    private final Inet4Address primary;
    private final byte[] prefix;
    private final byte[] linkLocal;
    private final SourceRates rates;
    private final TeredoDatagram teredo = new TeredoDatagram();
    private final IpPacket ip = new IpPacket();
    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    private final Counts<Count> counts = new Counts<>(Count.class);

    /** What the server did (its Gogo status and counters). */
    enum Count {
        /** Router advertisements sent (5.3.2). */
        ADVERTISEMENTS,
        /** Bubbles and ICMPv6 relayed to Teredo clients of this server (5.3.1). */
        RELAYED,
        /** Clients' echo requests to native IPv6 hosts passed on (their direct connectivity test). */
        TO_IPV6
    }

    TeredoServer(Inet4Address primary, int perSecond, int burst) {
        this.primary = primary;
        int server = v4(primary);
        prefix = new byte[16];
        putInt(prefix, 0, TeredoAddress.PREFIX);
        putInt(prefix, 4, server);
        // 5.3.2: the server's link-local address: fe80::, cone bit set, obfuscated Teredo port and server address
        linkLocal = new byte[16];
        linkLocal[0] = (byte) 0xfe;
        linkLocal[1] = (byte) 0x80;
        linkLocal[8] = (byte) 0x80;
        linkLocal[10] = (byte) ((~PORT >> 8) & 0xFF);
        linkLocal[11] = (byte) (~PORT & 0xFF);
        putInt(linkLocal, 12, ~server);
        rates = new SourceRates(perSecond, burst);
    }

    /** Decides what a datagram received at {@code secondary ? secondary : primary}:3544 from {@code from} gets. */
    Answer handle(ByteBuf payload, InetSocketAddress from, boolean secondary, long nowMillis) {
        if (!(from.getAddress() instanceof Inet4Address) || !globalUnicast(v4((Inet4Address) from.getAddress()))) {
            drops.count(Drop.NOT_GLOBAL_SOURCE); // 5.3.1 (3)
            return null;
        }
        if (!rates.take(v4((Inet4Address) from.getAddress()), nowMillis)) {
            drops.count(Drop.RATE_LIMITED);
            return null;
        }
        if (teredo.parse(payload) != TeredoDatagram.Status.OK) {
            drops.count(Drop.NOT_TEREDO); // 5.3.1 (1)
            return null;
        }
        ByteBuf v6 = payload.slice(teredo.ipv6Offset(), teredo.ipv6Length());
        boolean bubble = teredo.isBubble(payload);
        if (!bubble && ip.parse(v6) != ParseStatus.OK) {
            drops.count(Drop.MALFORMED_IPV6);
            return null;
        }
        int next = v6.getUnsignedByte(6);
        if (next == IpProtocol.ICMPV6 && !bubble && ip.icmpType() == ROUTER_SOLICITATION && v6.getUnsignedByte(8) == 0xfe
                && (v6.getUnsignedByte(9) & 0xc0) == 0x80 && ip.destinationIs(ALL_ROUTERS)) {
            return advertise(payload, v6, from, secondary); // 5.3.1 (4), 5.3.2
        }
        if (!bubble && next != IpProtocol.ICMPV6) {
            drops.count(Drop.NOT_RELAYED); // 5.3.1 (2): a server, not a relay
            return null;
        }
        byte[] src = new byte[16];
        byte[] dst = new byte[16];
        v6.getBytes(8, src);
        v6.getBytes(24, dst);
        if (TeredoAddress.isTeredo(src, 0)) {
            TeredoAddress sender = TeredoAddress.parse(src);
            if (sender.mappedPort() != from.getPort() || !sender.mappedAddress().equals(from.getAddress())) {
                drops.count(Drop.SPOOFED_SOURCE); // 5.3.1 (5)
                return null;
            }
        }
        // 5.3.1 (6): a source that is not Teredo (a relay's bubble for one of our clients) is accepted when the
        // destination is one of this server's clients, checked next; the origin indication tells the client where
        // the relay is
        if (!TeredoAddress.isTeredo(dst, 0) && TeredoAddress.isTeredo(src, 0) && !bubble && ip.icmpType() == PacketBuilder.ICMPV6_ECHO_REQUEST
                && (dst[0] & 0xE0) == 0x20 && TeredoAddress.parse(src).server().equals(primary)) {
            // 5.3.1: a client's echo request to a native host (its direct connectivity test, which finds the relay
            // nearest to that host) goes to the IPv6 side; the reply comes back through a relay, not through here
            counts.count(Count.TO_IPV6);
            return new Answer(false, null, bytes(v6));
        }
        if (!TeredoAddress.isTeredo(dst, 0) || !TeredoAddress.parse(dst).server().equals(primary)) {
            drops.count(Drop.NOT_FOR_THIS_SERVER);
            return null;
        }
        TeredoAddress target = TeredoAddress.parse(dst);
        if (!globalUnicast(v4(target.mappedAddress()))) {
            drops.count(Drop.NOT_GLOBAL_DESTINATION);
            return null;
        }
        int trailers = bubble ? teredo.trailersLength() : 0; // docs/teredo.md H3: a bubble's trailers go with it
        ByteBuf out = io.netty.buffer.Unpooled.buffer(8 + v6.readableBytes() + trailers);
        TeredoDatagram.writeOrigin(out, from.getPort(), v4((Inet4Address) from.getAddress()));
        out.writeBytes(v6, v6.readerIndex(), v6.readableBytes());
        out.writeBytes(payload, teredo.ipv6Offset() + teredo.ipv6Length(), trailers);
        counts.count(Count.RELAYED);
        return new Answer(false, new InetSocketAddress(target.mappedAddress(), target.mappedPort()), bytes(out));
    }

    /**
     * 5.3.2 with RFC 5991: the advertisement, from the socket the solicitation reached; for the cone check (the
     * solicitation's source is {@link #CONE_LINK_LOCAL}, 5.2.1) from the other one, so that only a NAT that lets in
     * datagrams from any source (a cone NAT, or none) delivers it.
     */
    private Answer advertise(ByteBuf payload, ByteBuf rs, InetSocketAddress from, boolean secondary) {
        byte[] dst = new byte[16];
        rs.getBytes(8, dst);
        ByteBuf out = io.netty.buffer.Unpooled.buffer(128);
        if (teredo.hasAuthentication()) {
            TeredoDatagram.writeAuthentication(out, teredo.nonce(), 0);
        }
        TeredoDatagram.writeOrigin(out, from.getPort(), v4((Inet4Address) from.getAddress()));
        int ipAt = out.writerIndex();
        int icmpLength = 16 + 32 + 8;
        out.writeInt(0x60000000);
        out.writeShort(icmpLength);
        out.writeByte(IpProtocol.ICMPV6);
        out.writeByte(255);
        out.writeBytes(linkLocal);
        out.writeBytes(dst);
        out.writeByte(ROUTER_ADVERTISEMENT);
        out.writeByte(0);
        out.writeShort(0); // checksum, below
        out.writeByte(0); // current hop limit: unspecified
        out.writeByte(0); // no M, no O
        out.writeShort(0); // router lifetime 0: the client routes through its relays, not through the server
        out.writeInt(0); // reachable time
        out.writeInt(RETRANS_TIMER_MILLIS);
        // prefix information (RFC 4861 4.6.2): the Teredo prefix of this server, /64, autonomous, infinite lifetimes
        out.writeByte(3);
        out.writeByte(4);
        out.writeByte(64);
        out.writeByte(0x40);
        out.writeInt(-1);
        out.writeInt(-1);
        out.writeInt(0);
        out.writeBytes(prefix);
        // MTU option: the IPv6 minimum, as Teredo's MTU (RFC 4380 section 5.2)
        out.writeByte(5);
        out.writeByte(1);
        out.writeShort(0);
        out.writeInt(1280);
        ByteBuf packet = out.slice(ipAt, out.writerIndex() - ipAt);
        if (ip.parse(packet) != ParseStatus.OK) {
            throw new IllegalStateException("built an invalid Router Advertisement");
        }
        ip.computeTransportChecksum();
        counts.count(Count.ADVERTISEMENTS);
        boolean coneCheck = java.util.Arrays.equals(dst, CONE_LINK_LOCAL);
        return new Answer(coneCheck != secondary, from, bytes(out));
    }

    // ---- RFC 4380 section 5.2.4: global unicast IPv4 ----------------------------------------------------------

    static boolean globalUnicast(int a) {
        int b0 = a >>> 24;
        int b1 = (a >>> 16) & 0xFF;
        return !(b0 == 0 || b0 == 10 || b0 == 127 || b0 >= 224 || (b0 == 169 && b1 == 254) || (b0 == 172 && (b1 & 0xF0) == 16)
                || (b0 == 192 && b1 == 168));
    }

    static int v4(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    org.ntmgate.api.health.RoleCounters counters() {
        return new org.ntmgate.api.health.RoleCounters(org.ntmgate.api.health.RoleCounters.byName(counts.snapshot()),
                java.util.Map.of(), org.ntmgate.api.health.RoleCounters.byName(drops.snapshot()));
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    long count(Count kind) {
        return counts.get(kind);
    }

    /** Per-source token buckets, at most {@link #SOURCES} sources remembered (the least recent forgotten). */
    static final class SourceRates {
        static final int SOURCES = 65_536;
        private final int perSecond;
        private final int burst;
        private final LinkedHashMap<Integer, TokenBucket> buckets = new LinkedHashMap<>(1024, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, TokenBucket> eldest) {
                return size() > SOURCES;
            }
        };

        SourceRates(int perSecond, int burst) {
            this.perSecond = perSecond;
            this.burst = burst;
        }

        synchronized boolean take(int source, long now) {
            return buckets.computeIfAbsent(source, s -> TokenBucket.perSecond(perSecond, burst, now)).take(1, now);
        }
    }
}
