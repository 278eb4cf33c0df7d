package org.ntmgate.node.impl;

import io.netty.buffer.ByteBuf;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.packet.Rfc7915;
import org.ntmgate.role.Key128;
import org.ntmgate.role.PacketTooBig;
import org.ntmgate.role.TunReader;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.PathCipher;

/**
 * The TUN reader's packets (protocol.md 11.3): a packet from this host, or from a LAN host translated to the node's
 * address and a port of its range (gateway mode, 11.4), or an IPv4 packet translated to IPv6 (11.6), goes into the
 * tunnel of its destination: sealed and batched per endpoint (15.7). Too large for the tunnel: Packet Too Big back to
 * the application (2.4.4; IPv4 with DF: Fragmentation Needed, without: IPv6 fragments, 11.6.3). Allocates nothing
 * but the batch's pooled buffer and what the flow translation does.
 */
final class ToTunnel implements TunReader.Packets {
    private final NodeTunnels tunnels;
    private final NodeCounters counters;
    private final FromTunnel.Link link;
    private final Ipv4Service.Out ipv4;
    private final IpPacket ip = new IpPacket();
    private final Key128 probe = new Key128();
    private final byte[] peer4 = new byte[4];
    private ByteBuf fragments;

    ToTunnel(NodeTunnels tunnels, NodeCounters counters, FromTunnel.Link link) {
        this.tunnels = tunnels;
        this.counters = counters;
        this.link = link;
        this.ipv4 = link.ipv4() == null ? null : link.ipv4().new Out();
    }

    @Override
    public void packet(ByteBuf buf, DatagramBatch batch) throws TunException {
        if (ip.parse(buf) != ParseStatus.OK || ip.version() != 6 && ip.version() != 4) {
            counters.drop(Drop.MALFORMED);
            return;
        }
        if (counters.local(ip)) {
            return;
        }
        ByteBuf out = buf;
        IpPacket packet = ip;
        if (ip.version() == 4) {
            if (ipv4 == null) {
                counters.drop(Drop.V4_UNTRANSLATABLE); // the IPv4 service is off
                return;
            }
            out = ipv4.toIpv6(ip, counters, System.currentTimeMillis());
            if (out == null) {
                return;
            }
            packet = ipv4.translated();
        } else if (!ip.sourceIs(link.self())) {
            LanTranslator t = link.lan();
            if (t == null || !t.fromLan(ip)) {
                counters.drop(Drop.WRONG_SOURCE);
                return;
            }
            if (!t.outbound(ip, System.currentTimeMillis())) {
                counters.drop(Drop.LAN_UNMAPPED);
                return;
            }
        }
        NodePath p = tunnels.byPeer(probe.set(out, packet.destinationAddressOffset()));
        if (p == null) {
            counters.drop(Drop.NO_PATH);
            return;
        }
        int n = out.readableBytes();
        if (packet != ip) {
            Rfc7915.clampMss(packet, p.innerMtu - Ipv4Service.TCP_OVERHEAD); // 11.6.4
            if (n > p.innerMtu) {
                tooBig(ip, packet, p, batch);
                return;
            }
        } else if (n > p.innerMtu) {
            PacketTooBig.answer(queue(), p.peerVirtual, ip, p.innerMtu); // 2.4.4: the application learns the tunnel's MTU
            counters.drop(Drop.TOO_BIG);
            return;
        }
        seal(out, p, batch);
    }

    private void seal(ByteBuf packet, NodePath p, DatagramBatch batch) {
        int n = packet.readableBytes();
        batch.added(p.cipher.seal(packet, batch.buffer(p.endpoint, n + PathCipher.OVERHEAD)));
        counters.moved(NodeCounters.SENT, n);
    }

    /** 11.6.3: an IPv4 packet whose translation does not fit: DF set, Fragmentation Needed; else IPv6 fragments. */
    private void tooBig(IpPacket v4, IpPacket six, NodePath p, DatagramBatch batch) throws TunException {
        if ((v4.buffer().getUnsignedShort(v4.start() + 6) & 0x4000) != 0) {
            v4.buffer().getBytes(v4.destinationAddressOffset(), peer4);
            PacketTooBig.answer(queue(), peer4, v4, p.innerMtu - Rfc7915.GROWTH - (v4.isFragment() ? 8 : 0));
            counters.drop(Drop.TOO_BIG);
            return;
        }
        if (fragments == null) {
            fragments = io.netty.buffer.Unpooled.directBuffer(65_536 + 4096);
        }
        fragments.clear();
        int count = Rfc7915.fragment(six, p.innerMtu, v4.fragmentIdentification(), fragments);
        if (count < 0) {
            counters.drop(Drop.TOO_BIG);
            return;
        }
        int at = 0;
        for (int i = 0; i < count; i++) {
            int len = 40 + fragments.getUnsignedShort(at + 4);
            seal(fragments.slice(at, len), p, batch);
            at += len;
        }
    }

    private PacketQueue queue() {
        return link.queue();
    }
}
