package org.ntmgate.node.impl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.packet.Rfc7915;
import org.ntmgate.role.Key128;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's IPv4 service on the data path (protocol.md 11.6): IPv4 packets from this host ({@code VIRTUAL_V4} on the
 * TUN device) and from an IPv4 LAN, to an address of the IPv4 pool, translated to IPv6 (RFC 7915) with the pool's
 * mappings ({@link VirtualIpv4}) and the flow translation every IPv4 flow passes ({@link LanTranslator}); the
 * peers' packets back. {@link Out} runs on the TUN thread, {@link In} on the socket's thread: each has its own
 * buffers and allocates nothing on a packet's way but what the flow translation does.
 */
final class Ipv4Service {
    private static final Logger LOG = LoggerFactory.getLogger(Ipv4Service.class);
    /** 11.6.4: what the inner MTU leaves for a TCP segment over IPv6 (40 bytes of header, 20 of TCP). */
    static final int TCP_OVERHEAD = 60;

    private final VirtualIpv4 pool;
    private final LanTranslator flows;
    private final int self4;
    private final int lanNet;
    private final int lanMask;

    /**
     * @param self4 the node's {@code VIRTUAL_V4} (4 bytes)
     * @param lan4  the IPv4 LAN's prefix, or null
     */
    Ipv4Service(VirtualIpv4 pool, LanTranslator flows, byte[] self4, Prefix lan4) {
        this.pool = pool;
        this.flows = flows;
        this.self4 = word(self4, 0);
        this.lanMask = lan4 == null ? 0 : -1 << (32 - lan4.length());
        this.lanNet = lan4 == null ? 1 : word(lan4.network().getAddress(), 0); // 1 never matches a zero mask's 0
    }

    /**
     * 11.3: {@code tun} (up) carries {@code self4} as a /32 and has the pool routed to it; the service on the data path.
     * A leased address inside the pool is refused (it would stand for a peer too).
     */
    static Ipv4Service open(TunDevice tun, VirtualIpv4 pool, LanTranslator flows, InetAddress self4, Prefix lan4) throws TunException {
        if (pool.pool().contains(self4)) {
            throw new TunException("the leased VIRTUAL_V4 " + self4.getHostAddress() + " is inside the IPv4 pool " + pool.pool()
                    + ": give the node (ipv4Pool) or the DC's NODE IPv4 pool another range", 22);
        }
        tun.addAddress(self4, 32);
        tun.addRoute((Inet4Address) pool.pool().network(), pool.pool().length(), 0);
        LOG.info("NTM node: {} carries {}/32, the IPv4 pool {} routed to it{} (11.6)", tun.name(), self4.getHostAddress(), pool.pool(),
                lan4 == null ? "" : "; IPv4 LAN " + lan4);
        return new Ipv4Service(pool, flows, self4.getAddress(), lan4);
    }

    private static int word(byte[] a, int at) {
        return ((a[at] & 0xFF) << 24) | ((a[at + 1] & 0xFF) << 16) | ((a[at + 2] & 0xFF) << 8) | (a[at + 3] & 0xFF);
    }

    /** A source or destination of the IPv4 side: this host's own address or one of its IPv4 LAN. */
    private boolean local(int v4) {
        return v4 == self4 || (v4 & lanMask) == lanNet;
    }

    /** IPv4 into the tunnel. */
    final class Out implements Rfc7915.AddressMap {
        private final Rfc7915 rfc = new Rfc7915(this);
        private final ByteBuf six = Unpooled.directBuffer(65_536 + 64);
        private final IpPacket translated = new IpPacket();

        /**
         * The IPv6 translation of {@code ip} (parsed, IPv4), source translated to the node's address and a port,
         * readable in a buffer of this object's until the next call; null when dropped ({@code counters} say why).
         */
        ByteBuf toIpv6(IpPacket ip, NodeCounters counters, long now) {
            ByteBuf b = ip.buffer();
            if (!local(b.getInt(ip.sourceAddressOffset()))) {
                counters.drop(Drop.WRONG_SOURCE);
                return null;
            }
            if (!pool.inPool(b, ip.destinationAddressOffset())) {
                counters.drop(Drop.NO_PATH);
                return null;
            }
            int slot = pool.slotOf(b, ip.destinationAddressOffset());
            if (slot < 0) {
                counters.drop(Drop.NO_MAPPING);
                return null;
            }
            six.clear();
            if (rfc.toIpv6(ip, six) < 0 || translated.parse(six) != ParseStatus.OK) {
                counters.drop(Drop.V4_UNTRANSLATABLE);
                return null;
            }
            if (!flows.outbound(translated, now)) {
                counters.drop(ip.fragmentOffset() != 0 ? Drop.FRAGMENT_UNMAPPED : Drop.LAN_UNMAPPED);
                return null;
            }
            pool.used(slot, six.readableBytes(), true);
            return six;
        }

        /** The packet {@link #toIpv6} returned, parsed. */
        IpPacket translated() {
            return translated;
        }

        @Override
        public boolean toIpv6(ByteBuf buf, int at, byte[] ipv6) {
            int slot = pool.slotOf(buf, at);
            if (slot >= 0) {
                pool.copyPeer(slot, ipv6);
                return true;
            }
            if (!local(buf.getInt(at))) {
                return false;
            }
            Rfc7915.mapped(buf, at, ipv6); // 11.6.1: ::ffff:a.b.c.d until the flow translation
            return true;
        }

        @Override
        public boolean toIpv4(ByteBuf buf, int at, byte[] ipv4) {
            return false; // this direction has no IPv6 to read
        }
    }

    /** The peers' IPv6 back to IPv4. */
    final class In implements Rfc7915.AddressMap {
        private final Rfc7915 rfc = new Rfc7915(this);
        private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);
        private final ByteBuf four = Unpooled.wrappedBuffer(tx);
        private final IpPacket translated = new IpPacket();
        private final Key128 probe = new Key128();
        private int sourceSlot;

        /** True when {@code ip} (parsed, IPv6, after the flow translation) goes to the IPv4 side. */
        boolean forIpv4(IpPacket ip) {
            return Rfc7915.isMapped(ip.buffer(), ip.destinationAddressOffset());
        }

        /**
         * The IPv4 translation of {@code ip}, between the returned buffer's position and limit until the next call;
         * null when dropped ({@code counters} say why). {@code innerMtu}: the path's, for a SYN's MSS.
         */
        ByteBuffer toIpv4(IpPacket ip, int innerMtu, NodeCounters counters) {
            four.clear();
            sourceSlot = -1;
            int n = rfc.toIpv4(ip, four);
            if (n < 0 || translated.parse(four) != ParseStatus.OK) {
                counters.drop(sourceSlot < 0 && !Rfc7915.isMapped(ip.buffer(), ip.sourceAddressOffset()) ? Drop.NO_MAPPING : Drop.V4_UNTRANSLATABLE);
                return null;
            }
            Rfc7915.clampMss(translated, innerMtu - TCP_OVERHEAD);
            if (sourceSlot >= 0) {
                pool.used(sourceSlot, n, false);
            }
            tx.clear().limit(n);
            return tx;
        }

        @Override
        public boolean toIpv6(ByteBuf buf, int at, byte[] ipv6) {
            return false; // this direction has no IPv4 to read
        }

        @Override
        public boolean toIpv4(ByteBuf buf, int at, byte[] ipv4) {
            if (Rfc7915.isMapped(buf, at)) {
                buf.getBytes(at + 12, ipv4, 0, 4);
                return local(word(ipv4, 0));
            }
            int slot = pool.slotOfPeer(probe.set(buf, at));
            if (slot < 0) {
                return false;
            }
            if (sourceSlot < 0) {
                sourceSlot = slot; // the first asked for is the packet's source
            }
            pool.copyIpv4(slot, ipv4);
            return true;
        }
    }
}
