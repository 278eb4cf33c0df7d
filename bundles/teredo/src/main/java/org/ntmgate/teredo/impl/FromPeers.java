package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.teredo.impl.ClientLink.Drop;
import org.ntmgate.teredo.impl.ClientRules.Advert;
import org.ntmgate.tun.TunException;

/**
 * The Teredo client's socket (RFC 4380 5.2.3, RFC 6081's H1-H5): advertisements from our server answer the
 * solicitation waiting for them; bubbles our server passes on get a direct bubble back (once a second per origin,
 * at a bounded rate); a Teredo peer's packets are taken only from its mapping (or an address it advertised behind
 * our NAT), a native host's only from the relay the connectivity test confirmed, and written to the TUN queue, the
 * receive batch's packets joined per flow when it ends (protocol.md 15.7). Runs on the socket's event loop.
 */
final class FromPeers extends SimpleChannelInboundHandler<DatagramPacket> {
    private final ClientLink link;
    private final TeredoPeers peers;
    private final TeredoDatagram teredo = new TeredoDatagram();
    private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);
    private final long[] advertised = new long[4];
    private final Map<InetSocketAddress, Long> bubbledTo = new LinkedHashMap<>(256, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Long> eldest) {
            return size() > 4096;
        }
    };

    FromPeers(ClientLink link, TeredoPeers peers) {
        this.link = link;
        this.peers = peers;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        link.channel = ctx.channel();
        ctx.fireChannelActive();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            link.queue.flush(); // protocol.md 15.7: the batch's segments, joined per flow
        } catch (TunException e) {
            link.drops.count(Drop.TUN_WRITE);
        }
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf in = packet.content();
        InetSocketAddress from = packet.sender();
        if (teredo.parse(in) != TeredoDatagram.Status.OK) {
            link.drops.count(Drop.NOT_TEREDO);
            return;
        }
        if (link.fromServer(from)) {
            fromServer(in, from);
            return;
        }
        byte[] us = link.ourAddress;
        if (us == null) {
            link.drops.count(Drop.NOT_QUALIFIED);
            return;
        }
        int v6 = teredo.ipv6Offset();
        if (!IpPacket.bytesAt(in, v6 + 24, us)) {
            link.drops.count(Drop.NOT_FOR_US);
            return;
        }
        byte[] src = address(in, v6 + 8);
        if (TeredoAddress.isTeredo(src, 0)) {
            fromTeredoPeer(in, from, us, src, v6);
        } else {
            fromNativeHost(in, from, us, src, v6);
        }
    }

    private void fromTeredoPeer(ByteBuf in, InetSocketAddress from, byte[] us, byte[] src, int v6) {
        boolean bubble = teredo.isBubble(in);
        long now = System.currentTimeMillis();
        TeredoAddress sender = TeredoAddress.parse(src);
        boolean fromMapping = sender.mappedPort() == from.getPort() && sender.mappedAddress().equals(from.getAddress());
        int alternates = link.hairpinning && bubble && link.behindOurNat(src) ? teredo.alternateAddresses(in, advertised) : 0;
        if (alternates < 0) {
            link.drops.count(Drop.BAD_TRAILER); // H1: a malformed Alternate Address trailer
            return;
        }
        if (!fromMapping && !fromAlternate(src, from, alternates)) {
            link.drops.count(Drop.SPOOFED_SOURCE); // 5.2.3: a Teredo source must match where it came from (H5)
            return;
        }
        TeredoPeer p = peerFor(src);
        if (p == null) {
            return;
        }
        peers.heard(p, from, now);
        if (alternates > 0) {
            p.alternates = Arrays.copyOf(advertised, alternates); // H4: a direct bubble from the peer itself
            peers.bubbleAlternates(p, us, now);
        }
        if (!bubble) {
            toTun(in, v6);
        }
    }

    /** A native source: only through the relay the connectivity test confirmed for it (5.2.3, 5.2.9). */
    private void fromNativeHost(ByteBuf in, InetSocketAddress from, byte[] us, byte[] src, int v6) {
        boolean bubble = teredo.isBubble(in);
        long now = System.currentTimeMillis();
        TeredoPeer p = peers.known(src);
        if (p != null && !bubble && isEchoReply(in, v6, p)) {
            peers.heard(p, from, now); // the answer to our test: the relay nearest that host; send through it from now on
            return;
        }
        if (p != null && from.equals(p.mapping)) {
            p.lastHeard = now;
            if (!bubble) {
                toTun(in, v6);
            } else if (now - p.lastAnswer >= 1000 && link.answerRate.take(1, now)) {
                // the relay asks us to show our mapping again (its NAT side may have moved us to another port): a
                // bubble back, from wherever our NAT maps us now (RFC 4380 5.2.3: a client MAY send a bubble
                // towards the source of any packet it receives); once a second per host at most
                p.lastAnswer = now;
                peers.bubble(us, p.address, from, false);
            }
            return;
        }
        if (bubble) {
            link.drops.count(Drop.UNKNOWN_RELAY); // the relay's bubble through our server gets our answer
            return;
        }
        // an unknown relay for this host: hold the packet and test (is it really that host's relay?), at a bounded rate
        if ((p == null || p.attempts == 0) && !link.answerRate.take(2, now)) {
            link.drops.count(Drop.TEST_RATE);
            return;
        }
        if (p == null && (p = peerFor(src)) == null) {
            return;
        }
        boolean start;
        synchronized (p) {
            if (p.in.size() >= 4) {
                link.drops.count(Drop.QUEUE_FULL);
                return;
            }
            byte[] held = new byte[teredo.ipv6Length()];
            in.getBytes(v6, held);
            p.in.add(held);
            p.inFrom = from;
            start = p.attempts == 0;
        }
        if (start) {
            peers.tryToReach(p, us, now);
        }
    }

    /** H5: a datagram from an address the peer advertised before, or (a direct bubble) lists in its own trailer. */
    private boolean fromAlternate(byte[] src, InetSocketAddress from, int n) {
        long f = packed(from);
        if (listed(advertised, n, f)) {
            return true;
        }
        TeredoPeer known = link.hairpinning ? peers.known(src) : null;
        return known != null && listed(known.alternates, known.alternates.length, f);
    }

    /** From our server: its advertisements, and bubbles it passes on with the sender's origin (5.2.3). */
    private void fromServer(ByteBuf in, InetSocketAddress from) {
        ClientLink.Pending p = link.pending;
        if (teredo.hasAuthentication()) {
            Advert a = p == null ? null : ClientRules.advertisement(in, teredo, p.nonce(), (Inet4Address) link.server.getAddress(), from);
            if (a == null) {
                link.drops.count(Drop.BAD_ADVERTISEMENT);
                return;
            }
            p.answer().complete(a);
            return;
        }
        byte[] us = link.ourAddress;
        if (us == null || !teredo.hasOrigin() || !IpPacket.bytesAt(in, teredo.ipv6Offset() + 24, us)) {
            link.drops.count(Drop.UNKNOWN_SERVER_PACKET);
            return;
        }
        InetSocketAddress origin = new InetSocketAddress(TeredoAddress.v4(teredo.originAddress()), teredo.originPort());
        if (!TeredoServer.globalUnicast(teredo.originAddress()) || teredo.originPort() == 0) {
            link.drops.count(Drop.UNKNOWN_SERVER_PACKET);
            return;
        }
        if (!teredo.isBubble(in)) {
            toTun(in, teredo.ipv6Offset()); // ICMPv6 a peer sent through our server
            return;
        }
        // someone (a peer or a relay) wants to reach us: a direct bubble opens our NAT towards it, once a second at most
        long now = System.currentTimeMillis();
        Long last = bubbledTo.get(origin);
        if (last != null && now - last < 1000 || !link.answerRate.take(1, now)) {
            link.drops.count(Drop.BUBBLE_RATE);
            return;
        }
        bubbledTo.put(origin, now);
        byte[] src = address(in, teredo.ipv6Offset() + 8);
        boolean sameNat = link.behindOurNat(src);
        peers.bubble(us, src, origin, sameNat);
        if (sameNat) {
            // H4: the server's origin indication is the mapping in the sender's address: its trailer is its own
            TeredoAddress sender = TeredoAddress.parse(src);
            int n = origin.equals(new InetSocketAddress(sender.mappedAddress(), sender.mappedPort())) ? teredo.alternateAddresses(in, advertised) : 0;
            if (n < 0) {
                link.drops.count(Drop.BAD_TRAILER);
            } else if (n > 0) {
                TeredoPeer peer = peerFor(src);
                if (peer != null) {
                    peer.lastUsed = now;
                    peer.alternates = Arrays.copyOf(advertised, n);
                    peers.bubbleAlternates(peer, us, now);
                }
            }
        }
    }

    /** The peer at address {@code a} (16 bytes), made if new; null (counted) when the list is full. */
    private TeredoPeer peerFor(byte[] a) {
        TeredoPeer p = peers.peer(a, 0);
        if (p == null) {
            link.drops.count(Drop.QUEUE_FULL);
        }
        return p;
    }

    private boolean isEchoReply(ByteBuf in, int v6, TeredoPeer p) {
        if (teredo.ipv6Length() < 40 + 16 || in.getUnsignedByte(v6 + 6) != IpProtocol.ICMPV6 || in.getUnsignedByte(v6 + 40) != PacketBuilder.ICMPV6_ECHO_REPLY) {
            return false;
        }
        synchronized (p) {
            return p.echoNonce != 0 && in.getLong(v6 + 48) == p.echoNonce;
        }
    }

    private void toTun(ByteBuf in, int v6) {
        tx.clear();
        in.getBytes(v6, tx.limit(teredo.ipv6Length()));
        tx.flip();
        try {
            link.queue.offer(tx);
            peers.fromPeers.increment();
        } catch (TunException e) {
            link.drops.count(Drop.TUN_WRITE);
        }
    }

    /** An address and port packed as an Alternate Address entry ({@code address << 16 | port}); -1 for IPv6. */
    private static long packed(InetSocketAddress a) {
        return a.getAddress() instanceof Inet4Address v4 ? (TeredoServer.v4(v4) & 0xFFFFFFFFL) << 16 | a.getPort() : -1;
    }

    /** H5: whether {@code from} (packed) is among the first {@code n} entries. */
    private static boolean listed(long[] alternates, int n, long from) {
        for (int i = 0; i < n; i++) {
            if (alternates[i] == from) {
                return true;
            }
        }
        return false;
    }

    private static byte[] address(ByteBuf b, int at) {
        byte[] out = new byte[16];
        b.getBytes(at, out);
        return out;
    }
}
