package org.ntmgate.rsn.impl;


import io.netty.buffer.ByteBuf;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.role.Key128;
import org.ntmgate.role.PacketTooBig;
import org.ntmgate.role.TunReader;
import org.ntmgate.rsn.impl.RelayCounters.Drop;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.PathCipher;

/**
 * The way back (protocol.md 15.4): a packet the network routed to the egress prefix, read from the TUN queue,
 * goes into the tunnel of its path: translated (real -> general virtual, egress -> node virtual; an ICMPv6 error's
 * quoted packet too), sealed and batched per node endpoint (15.7). Too large for the tunnel: Packet Too Big to the
 * sender (2.4.4). Runs on the TUN reader thread; allocates nothing but the batch's pooled buffer.
 */
final class ToNode implements TunReader.Packets {

    private final RelayParts parts;
    private final IpPacket ip = new IpPacket();
    private final Key128 probe = new Key128();

    ToNode(RelayParts parts) {
        this.parts = parts;
    }

    @Override
    public void packet(ByteBuf buf, DatagramBatch batch) throws TunException {
        if (!parts.counters().ipv6(ip, buf) || parts.counters().local(ip)) {
            return;
        }
        RelayNode node = parts.paths().nodeByEgress(probe.set(buf, ip.destinationAddressOffset()));
        if (node == null) {
            parts.counters().drop(Drop.NO_PATH);
            return;
        }
        RelayPath p;
        boolean error = ip.protocol() == IpProtocol.ICMPV6 && ip.icmpType() >= 1 && ip.icmpType() <= 4;
        int quoted = ip.transportOffset() + 8;
        if (error) {
            // the quoted packet is one this RS-N sent: egress -> real (15.4)
            if (ip.transportLength() < 8 + 40 || !IpPacket.bytesAt(buf, quoted + 8, node.egress)) {
                parts.counters().drop(Drop.MALFORMED);
                return;
            }
            p = node.byReal.get(probe.set(buf, quoted + 24));
        } else {
            p = node.byReal.get(probe.set(buf, ip.sourceAddressOffset()));
        }
        if (p == null || p.endpoint == null) {
            parts.counters().drop(Drop.NO_PATH);
            return;
        }
        int length = ip.length();
        long now = parts.clock().getAsLong();
        if (length > parts.settings().innerMtu()) {
            if (!error) {
                PacketTooBig.answer(parts.queue(), node.egress, ip, parts.settings().innerMtu());
            }
            parts.counters().drop(Drop.TOO_BIG);
            return;
        }
        if (!node.packetsToNode.take(1, now) || !node.bytesToNode.take(length, now)) {
            parts.counters().drop(Drop.RATE_LIMITED);
            return;
        }
        if (error) {
            buf.setBytes(quoted + 8, p.nodeVirtual);
            buf.setBytes(quoted + 24, p.generalVirtual);
            if (ip.sourceIs(p.real)) {
                buf.setBytes(ip.sourceAddressOffset(), p.generalVirtual);
            }
            buf.setBytes(ip.destinationAddressOffset(), p.nodeVirtual);
            ip.computeTransportChecksum();
        } else {
            ip.rewriteSource(p.generalVirtual);
            ip.rewriteDestination(p.nodeVirtual);
        }
        if (p.cipher.sent() >= p.sendLimit) {
            parts.counters().drop(Drop.COUNTER_RESERVATION); // 15.6: never seal beyond what is stored
            parts.paths().storeSoon();
            return;
        }
        buf.setIndex(ip.start(), ip.start() + length);
        batch.added(p.cipher.seal(buf, batch.buffer(p.endpoint, length + PathCipher.OVERHEAD)));
        p.lastData = now;
        parts.counters().moved(RelayCounters.TO_NODE, length);
        p.toNode.count(length);
        p.nodeEntry.recordToVirtual(length);
        p.generalEntry.recordToVirtual(length);
    }
}
