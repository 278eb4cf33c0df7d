package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.role.Key128;
import org.ntmgate.role.TunReader;
import org.ntmgate.teredo.impl.ClientLink.Drop;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramBatch;

/**
 * The Teredo client's peers and the way to them (RFC 4380 5.2.4-5.2.6, 5.2.9; RFC 6081's H2-H4): a packet from the
 * TUN device goes straight to its peer's mapping when known (batched per destination, protocol.md 15.7), else waits
 * while bubbles (a Teredo peer) or a connectivity test through our server (a native host) find it; once a second,
 * waiting peers get another try and idle ones go. Packets from the TUN reader thread; {@link #heard} from the
 * socket's.
 */
final class TeredoPeers implements TunReader.Packets {
    static final int QUEUE_PER_PEER = 16;
    static final int PEERS = 4096;
    /** How often a waiting peer gets bubbles or a connectivity-test echo again, and how many times. */
    static final Duration RETRY = Duration.ofSeconds(2);
    static final int ATTEMPTS = 4;
    /** 5.2.5: a peer not heard from for this long gets a direct bubble with our next packet (its NAT may have closed). */
    static final long QUIET_MILLIS = 30_000;
    static final long PEER_IDLE_MILLIS = 300_000;
    /**
     * A native host's relay not heard from for this long while we send through it is tested again (one echo at most
     * every twice this): relays restart, move, or give way to another, and a TCP connection's retries should find the
     * new one.
     */
    static final long RELAY_QUIET_MILLIS = 5_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ClientLink link;
    private final Map<Key128, TeredoPeer> peers = new ConcurrentHashMap<>();
    private final byte[] dst = new byte[16];
    final LongAdder toPeers = new LongAdder();
    final LongAdder fromPeers = new LongAdder();
    final LongAdder bubblesSent = new LongAdder();

    TeredoPeers(ClientLink link) {
        this.link = link;
    }

    /** A packet from the TUN device: ours, and for a global destination (the kernel's link-local traffic is not). */
    @Override
    public void packet(ByteBuf buf, DatagramBatch batch) {
        int n = buf.readableBytes();
        byte[] us = link.ourAddress;
        if (us == null || n < 40 || (buf.getUnsignedByte(0) >> 4) != 6 || !IpPacket.bytesAt(buf, 8, us)) {
            link.drops.count(Drop.NOT_OURS); // the kernel's own link-local traffic, or nothing qualified yet
            return;
        }
        int first = buf.getUnsignedByte(24);
        if (first == 0xff || (first == 0xfe && (buf.getUnsignedByte(25) & 0xc0) == 0x80)) {
            link.drops.count(Drop.NOT_OURS);
            return;
        }
        buf.getBytes(24, dst);
        toPeer(buf, n, us, batch);
    }

    /** 5.2.4: a packet from the IPv6 side to its peer: sent when the peer's mapping is known, else held while it is sought. */
    private void toPeer(ByteBuf buf, int n, byte[] us, DatagramBatch batch) {
        TeredoPeer p = peer(dst, 0); // keeps no reference to dst
        if (p == null) {
            link.drops.count(Drop.QUEUE_FULL);
            return;
        }
        long now = System.currentTimeMillis();
        p.lastUsed = now;
        InetSocketAddress m = p.mapping;
        if (m != null) {
            boolean quiet = p.teredo ? now - p.lastHeard > QUIET_MILLIS && now - p.lastBubble > QUIET_MILLIS / 3
                    : now - p.lastHeard > RELAY_QUIET_MILLIS && now - p.lastBubble > 2 * RELAY_QUIET_MILLIS;
            if (quiet) {
                p.lastBubble = now;
                if (p.teredo) {
                    bubble(us, p.address, m, false); // 5.2.5: its NAT may have forgotten us
                } else {
                    tryToReach(p, us, now); // its relay silent for long: is it still the one? (a new test, packets keep going)
                }
            }
            buf.getBytes(0, batch.buffer(m, n), n); // the IPv6 packet is the datagram (RFC 4380 5.2.4), batched per destination
            batch.added(n);
            toPeers.increment();
            return;
        }
        byte[] packet = ByteBufUtil.getBytes(buf, 0, n);
        boolean first;
        synchronized (p) {
            if (p.out.size() >= QUEUE_PER_PEER) {
                link.drops.count(Drop.QUEUE_FULL);
                return;
            }
            first = p.out.isEmpty() && p.attempts == 0;
            p.out.add(packet);
        }
        if (first) {
            tryToReach(p, us, now);
        }
    }

    /** 5.2.6: bubbles directly and through the peer's server; 5.2.9: an echo request through our server for a native host. */
    void tryToReach(TeredoPeer p, byte[] us, long now) {
        synchronized (p) {
            p.attempts++;
            p.lastAttempt = now;
        }
        if (p.teredo) {
            TeredoAddress t = TeredoAddress.parse(p.address); // parse keeps no reference
            boolean trailer = link.behindOurNat(p.address);
            bubble(us, p.address, new InetSocketAddress(t.mappedAddress(), t.mappedPort()), trailer);
            bubble(us, p.address, new InetSocketAddress(t.server(), TeredoServer.PORT), trailer);
            if (trailer) {
                bubbleAlternates(p, us, now);
            }
        } else {
            long nonce = RANDOM.nextLong();
            synchronized (p) {
                p.echoNonce = nonce;
            }
            ByteBuf out = Unpooled.buffer(48 + 8);
            PacketBuilder.echoRequest(out, us, p.address, (int) (nonce >>> 48), (int) (nonce >>> 32) & 0xFFFF, Unpooled.copyLong(nonce));
            link.send(ByteBufUtil.getBytes(out), link.server);
        }
    }

    /** A bubble; with {@code trailer}, our local address and port in an Alternate Address trailer (H2). */
    void bubble(byte[] src, byte[] dst, InetSocketAddress to, boolean trailer) {
        ByteBuf b = Unpooled.buffer(50);
        TeredoDatagram.writeBubble(b, src, dst, 255);
        InetSocketAddress l = link.local;
        if (trailer && l != null) {
            TeredoDatagram.writeAlternateAddress(b, TeredoServer.v4((Inet4Address) l.getAddress()), l.getPort());
        }
        link.send(ByteBufUtil.getBytes(b), to);
        bubblesSent.increment();
    }

    /** H4: a direct bubble, with our trailer, to each local address the peer advertised; once a second per peer. */
    void bubbleAlternates(TeredoPeer p, byte[] us, long now) {
        long[] alternates = p.alternates;
        if (alternates.length == 0 || now - p.lastHairpin < 1000) {
            return;
        }
        p.lastHairpin = now;
        for (long a : alternates) {
            bubble(us, p.address, new InetSocketAddress(TeredoAddress.v4((int) (a >>> 16)), (int) (a & 0xFFFF)), true);
        }
    }

    /** Every second: waiting peers get another try, or lose their packets after {@link #ATTEMPTS}; idle peers go. */
    void maintain() {
        byte[] us = link.ourAddress;
        long now = System.currentTimeMillis();
        for (Map.Entry<Key128, TeredoPeer> e : peers.entrySet()) {
            TeredoPeer p = e.getValue();
            boolean retry = false;
            synchronized (p) {
                // waiting to be reached, or holding a native host's packets that came through a relay still being tested
                boolean waiting = p.mapping == null && !p.out.isEmpty() || !p.in.isEmpty() || p.echoNonce != 0 && p.attempts > 0;
                if (waiting && now - p.lastAttempt >= RETRY.toMillis()) {
                    if (p.attempts >= ATTEMPTS) {
                        p.echoNonce = 0;
                        link.drops.count(Drop.NO_ANSWER, p.out.size() + p.in.size());
                        p.out.clear();
                        p.in.clear();
                        p.attempts = 0;
                    } else {
                        retry = true;
                    }
                }
            }
            if (retry && us != null) {
                tryToReach(p, us, now);
            }
            if (now - Math.max(p.lastUsed, p.lastHeard) > PEER_IDLE_MILLIS) {
                peers.remove(e.getKey());
            }
        }
    }

    /** The peer at the 16 bytes of {@code packet} at {@code at}, made if new; null when the list is full. */
    TeredoPeer peer(byte[] packet, int at) {
        Key128 k = Key128.of(packet, at); // called from both threads: no shared probe
        TeredoPeer p = peers.get(k);
        if (p == null) {
            if (peers.size() >= PEERS) {
                return null;
            }
            p = peers.computeIfAbsent(k, x -> new TeredoPeer(Arrays.copyOfRange(packet, at, at + 16)));
        }
        return p;
    }

    /** The known peer at {@code a} (16 bytes), or null; made by nothing. */
    TeredoPeer known(byte[] a) {
        return peers.get(Key128.of(a));
    }

    /** The peer answered from {@code from}: that is its mapping (or its relay); what waited for it goes now. */
    void heard(TeredoPeer p, InetSocketAddress from, long now) {
        List<byte[]> out;
        List<byte[]> in;
        synchronized (p) {
            p.lastHeard = now;
            p.attempts = 0;
            p.echoNonce = 0;
            if (from.equals(p.mapping) && p.out.isEmpty() && p.in.isEmpty()) {
                return;
            }
            p.mapping = from;
            out = List.copyOf(p.out);
            in = from.equals(p.inFrom) ? List.copyOf(p.in) : List.of();
            if (!p.in.isEmpty() && in.isEmpty()) {
                link.drops.count(Drop.UNKNOWN_RELAY, p.in.size());
            }
            p.out.clear();
            p.in.clear();
            p.inFrom = null;
        }
        for (byte[] b : out) {
            link.send(b, from);
            toPeers.increment();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(TeredoClient.MTU + 100);
        for (byte[] b : in) {
            buf.clear();
            buf.put(b).flip();
            try {
                link.queue.write(buf);
                fromPeers.increment();
            } catch (TunException e) {
                link.drops.count(Drop.TUN_WRITE);
            }
        }
    }

    /** What peers knew was for the old address. */
    void clear() {
        peers.clear();
    }

    Collection<TeredoPeer> all() {
        return peers.values();
    }

    int size() {
        return peers.size();
    }
}
