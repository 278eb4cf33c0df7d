package org.ntmgate.teredo.impl;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.UdpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teredo relay (RFC 4380 5.4): 2001::/32 is routed to its TUN device; a packet for a Teredo client goes out over
 * UDP to the client's mapped address once the client has proved that mapping (a packet or bubble from it), and until
 * then waits (a few per peer) while the relay sends bubbles, directly and through the client's server (5.4.1). A
 * datagram from a client is checked (5.4.2: its Teredo source must match where it came from; its destination must
 * not be Teredo) and written to the TUN device. Proven peers are {@code TEREDO_PEER} entries in the shared table
 * (Teredo address <-> mapped address), so a new build of this bundle keeps them.
 */
final class TeredoRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TeredoRelay.class);
    static final int QUEUE_PER_PEER = 16;
    static final int PEERS_WAITING = 1024;

    enum Drop {
        NOT_TEREDO, NOT_TEREDO_DESTINATION, NOT_GLOBAL, SPOOFED_SOURCE, TEREDO_TO_TEREDO, QUEUE_FULL, MALFORMED, TUN_WRITE, TABLE
    }

    private final InetSocketAddress bind;
    private final String tunName;
    private final Duration idle;
    private final TranslationTable table;
    private final Map<Endpoint, ArrayDeque<byte[]>> waiting = new ConcurrentHashMap<>();
    private final EnumMap<Drop, LongAdder> drops = new EnumMap<>(Drop.class);
    private final LongAdder toClients = new LongAdder();
    private final LongAdder toIpv6 = new LongAdder();
    private final LongAdder bubbles = new LongAdder();
    private volatile boolean running = true;
    private volatile long lastSpoofLog;
    private UdpServer udp;
    private TunDevice tun;
    private TunQueue queue;
    private Thread reader;

    TeredoRelay(InetSocketAddress bind, String tunName, Duration idle, TranslationTable table) {
        this.bind = bind;
        this.tunName = tunName;
        this.idle = idle;
        this.table = table;
        for (Drop d : Drop.values()) {
            drops.put(d, new LongAdder());
        }
    }

    InetSocketAddress start() throws TunException, InterruptedException, IOException {
        tun = TunDevice.open(tunName, 1);
        // an address inside 2001::/32 that no client can have (server 255.255.255.255): the kernel routes the prefix here
        tun.addAddress(InetAddress.getByName("2001:0:ffff:ffff::1"), 32);
        tun.up(1280);
        queue = tun.queue(0);
        udp = UdpServer.bind(bind, new Handler());
        reader = new Thread(this::readTun, "ntmgate-teredo-relay-tun");
        reader.setDaemon(true);
        reader.start();
        return udp.localAddress();
    }

    // ---- IPv6 side -> clients (5.4.1) --------------------------------------------------------------------------

    private void readTun() {
        ByteBuffer rx = ByteBuffer.allocateDirect(65_536);
        ByteBuf buf = Unpooled.wrappedBuffer(rx);
        byte[] dst = new byte[16];
        while (running) {
            try {
                rx.clear();
                int n = queue.read(rx, 200);
                if (n < 40 || (buf.getUnsignedByte(0) >> 4) != 6) {
                    if (n > 0) {
                        drops.get(Drop.MALFORMED).increment();
                    }
                    continue;
                }
                buf.getBytes(24, dst);
                if (!TeredoAddress.isTeredo(dst, 0)) {
                    drops.get(Drop.NOT_TEREDO_DESTINATION).increment();
                    continue;
                }
                byte[] src = new byte[16];
                buf.getBytes(8, src);
                if (TeredoAddress.isTeredo(src, 0)) {
                    drops.get(Drop.TEREDO_TO_TEREDO).increment(); // clients talk to each other directly, not through a relay
                    continue;
                }
                TeredoAddress client = TeredoAddress.parse(dst.clone());
                if (!TeredoServer.globalUnicast(TeredoServer.v4(client.mappedAddress()))) {
                    drops.get(Drop.NOT_GLOBAL).increment();
                    continue;
                }
                byte[] packet = new byte[n];
                buf.getBytes(0, packet);
                Endpoint peer = Endpoint.of(dst.clone(), 0);
                TranslationEntry e = table.lookupByVirtual(peer).orElse(null);
                if (e != null && e.isLive()) {
                    e.recordToReal(n);
                    send(packet, new InetSocketAddress(InetAddress.getByAddress(e.realSide().addressBytes()), e.realSide().port()));
                    toClients.increment();
                } else {
                    hold(peer, packet, src, dst.clone(), client);
                }
            } catch (TunException e) {
                if (running) {
                    LOG.error("Teredo relay: reading {} failed: {}", tunName, e.getMessage());
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("Teredo relay: a packet failed inside the relay", e);
            }
        }
    }

    /** Holds the packet until the client proves its mapping, and asks it to with bubbles (5.4.1). */
    private void hold(Endpoint peer, byte[] packet, byte[] src, byte[] dst, TeredoAddress client) {
        if (!waiting.containsKey(peer) && waiting.size() >= PEERS_WAITING) {
            drops.get(Drop.QUEUE_FULL).increment();
            return;
        }
        ArrayDeque<byte[]> q = waiting.computeIfAbsent(peer, p -> new ArrayDeque<>());
        boolean first;
        synchronized (q) {
            first = q.isEmpty();
            if (q.size() >= QUEUE_PER_PEER) {
                drops.get(Drop.QUEUE_FULL).increment();
                return;
            }
            q.add(packet);
        }
        if (first || q.size() % 4 == 0) {
            ByteBuf bubble = Unpooled.buffer(40);
            TeredoDatagram.writeBubble(bubble, src, dst, 255);
            byte[] b = new byte[40];
            bubble.getBytes(0, b);
            // directly (a restricted NAT opens for us once the client answers) and through its server (which adds our origin)
            send(b, new InetSocketAddress(client.mappedAddress(), client.mappedPort()));
            send(b, new InetSocketAddress(client.server(), TeredoServer.PORT));
            bubbles.add(2);
        }
    }

    private void send(byte[] payload, InetSocketAddress to) {
        UdpServer u = udp;
        if (u != null) {
            u.send(Unpooled.wrappedBuffer(payload), to, true);
        }
    }

    // ---- clients -> IPv6 side (5.4.2) -------------------------------------------------------------------------

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final TeredoDatagram teredo = new TeredoDatagram();
        private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf in = packet.content();
            InetSocketAddress from = packet.sender();
            if (teredo.parse(in) != TeredoDatagram.Status.OK) {
                drops.get(Drop.NOT_TEREDO).increment();
                return;
            }
            byte[] src = new byte[16];
            in.getBytes(teredo.ipv6Offset() + 8, src);
            if (!TeredoAddress.isTeredo(src, 0) || !(from.getAddress() instanceof Inet4Address)) {
                drops.get(Drop.SPOOFED_SOURCE).increment();
                return;
            }
            TeredoAddress client = TeredoAddress.parse(src);
            Endpoint peer = Endpoint.of(src, 0);
            boolean embedded = client.mappedPort() == from.getPort() && client.mappedAddress().equals(from.getAddress());
            TranslationEntry known = table.lookupByVirtual(peer).orElse(null); // one lookup serves the check and the record
            if (!acceptable(client, from, provenAt(known, from), teredo.isBubble(in) && waiting.containsKey(peer))) {
                // 5.4.2: not from where its address says, nor from the mapping it proved, nor the answer to our bubbles
                drops.get(Drop.SPOOFED_SOURCE).increment();
                long now = System.currentTimeMillis();
                if (now - lastSpoofLog > 10_000) {
                    lastSpoofLog = now;
                    LOG.warn("Teredo relay: dropped a datagram from {} whose Teredo source says {}:{} (logged once per 10 s)", from,
                            client.mappedAddress().getHostAddress(), client.mappedPort());
                }
                return;
            }
            if (!embedded && waiting.containsKey(peer)) {
                LOG.info("Teredo relay: peer {} answers from {}, not from the mapping in its address ({}:{}): its NAT maps per destination",
                        client, from, client.mappedAddress().getHostAddress(), client.mappedPort());
            }
            proven(peer, from, known);
            if (teredo.isBubble(in)) {
                return;
            }
            byte[] dst = new byte[16];
            in.getBytes(teredo.ipv6Offset() + 24, dst);
            if (!toIpv6(dst)) {
                drops.get(Drop.NOT_GLOBAL).increment(); // to global unicast IPv6 only (2000::/3)
                return;
            }
            tx.clear();
            in.getBytes(teredo.ipv6Offset(), tx.limit(teredo.ipv6Length()));
            tx.flip();
            try {
                queue.write(tx);
                toIpv6.increment();
            } catch (TunException e) {
                drops.get(Drop.TUN_WRITE).increment();
            }
        }
    }

    /**
     * 5.4.2: a datagram from a client is taken when it comes from the mapping in its Teredo address, or from the
     * mapping the client proved before, or is a bubble answering the relay's own bubbles (the client's NAT may map it
     * to another port towards the relay than towards its server). Everything else could be anyone's: no open relay.
     */
    static boolean acceptable(TeredoAddress client, InetSocketAddress from, boolean provenFromThere, boolean answersOurBubbles) {
        boolean embedded = client.mappedPort() == from.getPort() && client.mappedAddress().equals(from.getAddress());
        return embedded || provenFromThere || answersOurBubbles;
    }

    /** Where a client's packet may go on the IPv6 side: global unicast (2000::/3), not another Teredo address. */
    static boolean toIpv6(byte[] dst) {
        return !TeredoAddress.isTeredo(dst, 0) && (dst[0] & 0xE0) == 0x20;
    }

    /** True when the peer's entry ({@code e}, or null) says it proved the mapping {@code from} before. */
    private static boolean provenAt(TranslationEntry e, InetSocketAddress from) {
        return e != null && e.isLive() && e.realSide().port() == from.getPort()
                && java.util.Arrays.equals(e.realSide().addressBytes(), from.getAddress().getAddress());
    }

    /** The client showed its mapping: record it in the shared table ({@code e}: its entry, or null) and send what waited for it. */
    private void proven(Endpoint teredoAddress, InetSocketAddress mapped, TranslationEntry e) {
        Endpoint real = Endpoint.of(mapped.getAddress(), mapped.getPort());
        try {
            if (e == null || !e.isLive() || !e.realSide().equals(real)) {
                if (e != null) {
                    table.remove(e.id());
                }
                e = table.insert(new EntrySpec(EntryKind.TEREDO_PEER, teredoAddress, real, EntryOwner.NONE, idle));
                LOG.info("Teredo relay: peer {} proved its mapping {}", InetAddress.getByAddress(teredoAddress.addressBytes()).getHostAddress(), mapped);
            } else {
                e.recordToVirtual(0);
            }
        } catch (TableFullException | EntryConflictException | IOException ex) {
            drops.get(Drop.TABLE).increment();
            return;
        }
        ArrayDeque<byte[]> q = waiting.remove(teredoAddress);
        if (q != null) {
            synchronized (q) {
                for (byte[] p : q) {
                    send(p, mapped);
                    toClients.increment();
                }
            }
        }
    }

    Map<Drop, Long> drops() {
        Map<Drop, Long> m = new EnumMap<>(Drop.class);
        drops.forEach((d, a) -> m.put(d, a.sum()));
        return m;
    }

    String status() {
        return "relaying on udp " + (udp == null ? "-" : udp.localAddress()) + " and " + tunName + " (2001::/32); to clients " + toClients.sum()
                + ", to IPv6 " + toIpv6.sum() + ", bubbles " + bubbles.sum() + ", peers " + table.entries(x -> x.kind() == EntryKind.TEREDO_PEER).size()
                + ", waiting " + waiting.size();
    }

    @Override
    public void close() {
        running = false;
        if (udp != null) {
            udp.close();
        }
        if (reader != null) {
            try {
                reader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (tun != null) {
            tun.close();
        }
    }
}
