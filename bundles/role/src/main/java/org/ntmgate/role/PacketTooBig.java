package org.ntmgate.role;

import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunException;

/**
 * protocol.md 2.4.4: a packet too large for the tunnel is answered on the TUN queue it came from with an ICMPv6
 * Packet Too Big naming the tunnel's inner MTU (an IPv4 packet the node translates, 11.6.3: ICMP Fragmentation
 * Needed naming what the IPv4 side may send), so the sender's path MTU discovery learns it. Rare by design (the
 * first packets of a flow), so it allocates.
 */
public final class PacketTooBig {
    private PacketTooBig() {
    }

    /**
     * Writes to {@code queue} the error for {@code offending}, from {@code source} (an address of the packet's family
     * the sender routes to us).
     */
    public static void answer(PacketQueue queue, byte[] source, IpPacket offending, int mtu) throws TunException {
        ByteBuf out = Unpooled.buffer(1280);
        if (offending.version() == 4) {
            PacketBuilder.fragmentationNeeded(out, source, offending, mtu);
        } else {
            PacketBuilder.packetTooBig(out, source, offending, mtu);
        }
        ByteBuffer b = ByteBuffer.allocateDirect(out.readableBytes());
        out.getBytes(out.readerIndex(), b);
        b.flip();
        queue.write(b);
    }
}
