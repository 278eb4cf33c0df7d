package org.ntmgate.node.impl;

import io.netty.buffer.ByteBuf;
import org.ntmgate.node.impl.NodeCounters.Drop;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.role.Key128;
import org.ntmgate.role.PacketTooBig;
import org.ntmgate.role.TunReader;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.PathCipher;

/**
 * The TUN reader's packets (protocol.md 11.3): a packet from this host, or from a LAN host translated to the node's
 * address and a port of its range (gateway mode, 11.4), goes into the tunnel of its destination: sealed and batched
 * per endpoint (15.7). Too large for the tunnel: Packet Too Big back to the application (2.4.4). Allocates nothing
 * but the batch's pooled buffer.
 */
final class ToTunnel implements TunReader.Packets {
    private final NodeTunnels tunnels;
    private final NodeCounters counters;
    private final FromTunnel.Link link;
    private final IpPacket ip = new IpPacket();
    private final Key128 probe = new Key128();

    ToTunnel(NodeTunnels tunnels, NodeCounters counters, FromTunnel.Link link) {
        this.tunnels = tunnels;
        this.counters = counters;
        this.link = link;
    }

    @Override
    public void packet(ByteBuf buf, DatagramBatch batch) throws TunException {
        int n = buf.readableBytes();
        if (ip.parse(buf) != ParseStatus.OK || ip.version() != 6) {
            counters.drop(Drop.MALFORMED);
            return;
        }
        if (counters.local(ip)) {
            return;
        }
        if (!ip.sourceIs(link.self())) {
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
        NodePath p = tunnels.byPeer(probe.set(buf, ip.destinationAddressOffset()));
        if (p == null) {
            counters.drop(Drop.NO_PATH);
            return;
        }
        if (n > p.innerMtu) {
            PacketTooBig.answer(queue(), p.peerVirtual, ip, p.innerMtu); // 2.4.4: the application learns the tunnel's MTU
            counters.drop(Drop.TOO_BIG);
            return;
        }
        batch.added(p.cipher.seal(buf, batch.buffer(p.endpoint, n + PathCipher.OVERHEAD)));
        counters.moved(NodeCounters.SENT, n);
    }

    private PacketQueue queue() {
        return link.queue();
    }
}
