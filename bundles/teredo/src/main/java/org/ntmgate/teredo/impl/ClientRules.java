package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.packet.ParseStatus;

/**
 * The Teredo client's decisions that need no socket (RFC 4380 5.2 with RFC 5991): the Router Solicitation it sends,
 * what it accepts as its server's Router Advertisement, and the NAT-type verdict from the three answers of
 * qualification. Tested on their own; {@link TeredoClient} does the I/O.
 */
final class ClientRules {
    static final int ROUTER_SOLICITATION = 133;
    static final int ROUTER_ADVERTISEMENT = 134;
    private static final byte[] ALL_ROUTERS = { (byte) 0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

    /** The client's NAT as qualification found it (docs/teredo.md has what each means for Teredo). */
    enum NatType {
        /** Not found yet. */
        UNKNOWN,
        /** The server sees the client's own address and port: no NAT. */
        NONE,
        /** The cone check was answered from the server's other address: anyone may send to the mapping. */
        CONE,
        /** Same mapping towards both server addresses, but only hosts the client sent to may answer. */
        RESTRICTED,
        /** Another mapping towards each destination: peers cannot use the mapping in the Teredo address. */
        SYMMETRIC
    }

    /** A Router Advertisement accepted from the server: where it came from, the mapping it saw, its Teredo prefix. */
    record Advert(InetSocketAddress from, InetSocketAddress mapped, Inet4Address prefixServer) {
    }

    private ClientRules() {
    }

    /**
     * 5.2.1 with RFC 5991: authentication element without identifier and value, carrying {@code nonce}; an IPv6
     * Router Solicitation from the link-local address that asks for the cone check ({@code cone}) or not, to ff02::2.
     */
    static byte[] routerSolicitation(boolean cone, long nonce) {
        ByteBuf out = Unpooled.buffer(13 + 48);
        TeredoDatagram.writeAuthentication(out, nonce, 0);
        int ipAt = out.writerIndex();
        out.writeInt(0x60000000);
        out.writeShort(8);
        out.writeByte(IpProtocol.ICMPV6);
        out.writeByte(255);
        out.writeBytes(cone ? TeredoServer.CONE_LINK_LOCAL : TeredoServer.NON_CONE_LINK_LOCAL);
        out.writeBytes(ALL_ROUTERS);
        out.writeByte(ROUTER_SOLICITATION);
        out.writeByte(0);
        out.writeShort(0);
        out.writeInt(0);
        IpPacket ip = new IpPacket();
        if (ip.parse(out.slice(ipAt, out.writerIndex() - ipAt)) != ParseStatus.OK) {
            throw new IllegalStateException("built an invalid Router Solicitation");
        }
        ip.computeTransportChecksum();
        byte[] b = new byte[out.readableBytes()];
        out.getBytes(0, b);
        return b;
    }

    /**
     * 5.2.1: a datagram parsed by {@code d} is the advertisement answering our solicitation when it carries our nonce
     * (RFC 5991 section 4), an origin indication, and a valid ICMPv6 Router Advertisement whose prefix information is a
     * Teredo /64 naming {@code server}; returns null otherwise (the caller counts it).
     */
    static Advert advertisement(ByteBuf payload, TeredoDatagram d, long nonce, Inet4Address server, InetSocketAddress from) {
        if (!d.hasAuthentication() || d.nonce() != nonce || !d.hasOrigin()) {
            return null;
        }
        IpPacket ip = new IpPacket();
        ByteBuf v6 = payload.slice(d.ipv6Offset(), d.ipv6Length());
        if (ip.parse(v6) != ParseStatus.OK || ip.protocol() != IpProtocol.ICMPV6 || ip.icmpType() != ROUTER_ADVERTISEMENT
                || ip.verifyTransportChecksum() != ParseStatus.OK) {
            return null;
        }
        // RFC 4861 4.2: 16 bytes of advertisement, then options of (type, length in 8-byte units)
        int at = ip.transportOffset() + 16;
        int end = ip.transportOffset() + ip.transportLength();
        while (at + 2 <= end) {
            int type = v6.getUnsignedByte(at);
            int length = v6.getUnsignedByte(at + 1) * 8;
            if (length == 0 || at + length > end) {
                return null;
            }
            if (type == 3 && length == 32 && v6.getUnsignedByte(at + 2) == 64) {
                byte[] prefix = new byte[16];
                v6.getBytes(at + 16, prefix);
                if (!TeredoAddress.isTeredo(prefix, 0)) {
                    return null;
                }
                Inet4Address prefixServer = TeredoAddress.v4(((prefix[4] & 0xFF) << 24) | ((prefix[5] & 0xFF) << 16) | ((prefix[6] & 0xFF) << 8) | (prefix[7] & 0xFF));
                if (!prefixServer.equals(server)) {
                    return null; // 5.2.1: the prefix must carry the server's (primary) address
                }
                InetSocketAddress mapped = new InetSocketAddress(TeredoAddress.v4(d.originAddress()), d.originPort());
                return new Advert(from, mapped, prefixServer);
            }
            at += length;
        }
        return null;
    }

    /**
     * The verdict of qualification (5.2.1): the mappings the primary and secondary addresses saw (the secondary's null
     * when it did not answer), whether the cone check was answered, and the client's own address and port.
     */
    static NatType verdict(InetSocketAddress local, InetSocketAddress viaPrimary, InetSocketAddress viaSecondary, boolean coneAnswered) {
        if (viaSecondary != null && !viaSecondary.equals(viaPrimary)) {
            return NatType.SYMMETRIC;
        }
        if (viaPrimary.equals(local)) {
            return NatType.NONE;
        }
        if (coneAnswered) {
            return NatType.CONE;
        }
        return viaSecondary == null ? NatType.UNKNOWN : NatType.RESTRICTED;
    }
}
