package org.ntmgate.teredo.impl;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.teredo.impl.ClientRules.Advert;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.wire.DropCounters;

/**
 * What the Teredo client's parts share (RFC 4380 5.2): its server, the state qualification gives the data path (our
 * Teredo address, the mapping the server sees, our local address), the socket and the TUN queue, the drops by
 * reason and the rate of answers a flood can draw. Written by {@link TeredoClient}, read by {@link TeredoPeers} and
 * {@link FromPeers} without a lock.
 */
final class ClientLink {
    enum Drop {
        NOT_TEREDO, NOT_QUALIFIED, NOT_FOR_US, SPOOFED_SOURCE, UNKNOWN_SERVER_PACKET, BAD_ADVERTISEMENT, NOT_OURS, QUEUE_FULL, NO_ANSWER,
        UNKNOWN_RELAY, TUN_WRITE, BUBBLE_RATE, TEST_RATE, BAD_TRAILER
    }

    /**
     * What one flood of packets can make the client send: direct bubbles to origins its server passes on, and
     * connectivity tests for native sources arriving through relays it does not know; per second, with a burst.
     */
    static final int ANSWERS_PER_SECOND = 20;

    /** A solicitation waiting for its advertisement (5.2.1). */
    record Pending(long nonce, CompletableFuture<Advert> answer) {
    }

    final InetSocketAddress server;
    final InetSocketAddress secondary;
    /** RFC 6081's Hairpinning extension (docs/teredo.md H1-H5): peers behind our own NAT by their local addresses. */
    final boolean hairpinning;
    final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    final TeredoServer.SourceRates answerRate = new TeredoServer.SourceRates(ANSWERS_PER_SECOND, 2 * ANSWERS_PER_SECOND);
    /** Our Teredo address while qualified, else null. */
    volatile byte[] ourAddress;
    /** The mapping the server sees while qualified, else null. */
    volatile InetSocketAddress mapped;
    /** The address and port the server would see without a NAT. */
    volatile InetSocketAddress local;
    volatile Pending pending;
    volatile Channel channel;
    volatile PacketQueue queue;

    ClientLink(InetSocketAddress server, InetSocketAddress secondary, boolean hairpinning) {
        this.server = server;
        this.secondary = secondary;
        this.hairpinning = hairpinning;
    }

    /** Whether {@code from} is our server (either address, port 3544). */
    boolean fromServer(InetSocketAddress from) {
        return from.getPort() == TeredoServer.PORT && (from.getAddress().equals(server.getAddress()) || from.getAddress().equals(secondary.getAddress()));
    }

    /**
     * H2: the peer is a Teredo client behind the same mapped address as we are, and we are behind a NAT (our local
     * address is not our mapping), with the extension on: our bubbles to it carry our local address.
     */
    boolean behindOurNat(byte[] peer) {
        InetSocketAddress m = mapped;
        InetSocketAddress l = local;
        if (!hairpinning || m == null || l == null || l.getAddress().equals(m.getAddress()) || !TeredoAddress.isTeredo(peer, 0)) {
            return false;
        }
        return TeredoAddress.parse(peer).mappedAddress().equals(m.getAddress());
    }

    /** One datagram out of the client's socket, now. */
    void send(byte[] payload, InetSocketAddress to) {
        Channel c = channel;
        if (c != null) {
            c.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(payload), to), c.voidPromise());
        }
    }
}
