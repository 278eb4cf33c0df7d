package org.ntmgate.teredo.impl;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.role.TunReader;
import org.ntmgate.role.Threads;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.role.RoleEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teredo relay (RFC 4380 5.4): 2001::/32 is routed to its TUN device; a packet for a Teredo client goes out over
 * UDP to the client's mapped address once the client has proved that mapping (a packet or bubble from it), and until
 * then waits (a few per peer) while the relay sends bubbles, directly and through the client's server (5.4.1). A
 * datagram from a client is checked (5.4.2: its Teredo source must match where it came from; its destination must
 * not be Teredo) and written to the TUN device. Proven peers are {@code TEREDO_PEER} entries in the shared table
 * (Teredo address <-> mapped address), so a new build of this bundle keeps them.
 *
 * <p>A proven mapping is trusted while the peer was heard from in the last 30 s (5.2.4's rule, which 5.4.1 and 5.4.2
 * apply to relays); past that, packets for it wait while it proves its mapping again. A NAT that forgot the mapping
 * may give the client another port towards us: the relay asks again (bubbles, keeping on sending meanwhile) when a
 * datagram claiming a known peer comes from another port of the same address, or when it has sent to the peer for
 * 5 s without hearing from it. See docs/teredo.md, "NAT changes".
 */
final class TeredoRelay implements RoleEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TeredoRelay.class);
    static final int QUEUE_PER_PEER = 16;
    static final int PEERS_WAITING = 1024;
    /** 5.2.4, 5.4.1: an entry is valid while the peer was heard from in the last 30 s. */
    static final long TRUST_MILLIS = 30_000;
    /** Sending to a peer this long without hearing from it makes the relay ask it again (its NAT may have moved it). */
    static final long QUIET_MILLIS = 5_000;
    /** 5.4.1: bubbles again after 2 s, up to three times; then the peer's waiting packets are dropped. */
    static final long BUBBLE_RETRY_MILLIS = 2_000;
    static final int BUBBLE_REPEATS = 3;

    enum Drop {
        NOT_TEREDO, NOT_TEREDO_DESTINATION, NOT_GLOBAL, SPOOFED_SOURCE, TEREDO_TO_TEREDO, QUEUE_FULL, MALFORMED, TUN_WRITE, TABLE, NO_ANSWER
    }

    /** What to do with a packet for a peer whose mapping is in the table. */
    enum Trust {
        /** send it to the proven mapping */
        SEND,
        /** send it, and ask the peer to show its mapping again (bubbles) */
        SEND_AND_ASK,
        /** hold it while the peer proves its mapping again (5.4.1 case 3: the entry is no longer valid) */
        HOLD_AND_ASK
    }

    /** When the relay last heard from a proven peer, and since when it has sent to it without an answer (0: none). */
    private static final class Heard {
        volatile long at;
        volatile long unansweredSince;

        Heard(long at) {
            this.at = at;
        }
    }


    private final InetSocketAddress bind;
    private final String tunName;
    private final Duration idle;
    private final TranslationTable table;
    private final Map<Endpoint, Proving> proving = new ConcurrentHashMap<>();
    private final Map<Endpoint, Heard> heard = new ConcurrentHashMap<>();
    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    private final LongAdder toClients = new LongAdder();
    private final LongAdder toIpv6 = new LongAdder();
    private final LongAdder bubbles = new LongAdder();
    private volatile boolean running = true;
    private volatile long lastSpoofLog;
    private final long started = System.currentTimeMillis();
    private long lastMaintenance;
    private long lastHeardSweep;
    private UdpServer udp;
    private TunDevice tun;
    private TunQueue queue;
    private TunReader reader;

    TeredoRelay(InetSocketAddress bind, String tunName, Duration idle, TranslationTable table) {
        this.bind = bind;
        this.tunName = tunName;
        this.idle = idle;
        this.table = table;
    }

    InetSocketAddress start() throws TunException, InterruptedException, IOException {
        tun = TunDevice.open(tunName, 1, true); // protocol.md 15.7, as the RS-N
        // an address inside 2001::/32 that no client can have (server 255.255.255.255): the kernel routes the prefix here
        tun.addAddress(InetAddress.getByName("2001:0:ffff:ffff::1"), 32);
        tun.up(1280);
        queue = tun.queue(0);
        udp = UdpServer.bind(bind, new Handler());
        reader = TunReader.start("Teredo relay", tunName, queue, new DatagramBatch(udp), new ToClients(), "ntmgate-teredo-relay-tun");
        return udp.localAddress();
    }

    // ---- IPv6 side -> clients (5.4.1) --------------------------------------------------------------------------

    /** The TUN reader's packets: for a Teredo client, sent at once to a proven mapping, else held while it is proved. */
    private final class ToClients implements TunReader.Packets {
        private final byte[] dst = new byte[16];

        @Override
        public void idle() {
            maintainEverySecond(System.currentTimeMillis());
        }

        @Override
        public void packet(ByteBuf buf, DatagramBatch batch) throws IOException {
            int n = buf.readableBytes();
            long now = System.currentTimeMillis(); // one clock read per packet serves the upkeep and the trust check
            maintainEverySecond(now);
            if (n < 40 || (buf.getUnsignedByte(0) >> 4) != 6) {
                drops.count(Drop.MALFORMED);
                return;
            }
            buf.getBytes(24, dst);
            if (!TeredoAddress.isTeredo(dst, 0)) {
                drops.count(Drop.NOT_TEREDO_DESTINATION);
                return;
            }
            byte[] src = new byte[16];
            buf.getBytes(8, src);
            if (TeredoAddress.isTeredo(src, 0)) {
                drops.count(Drop.TEREDO_TO_TEREDO); // clients talk to each other directly, not through a relay
                return;
            }
            TeredoAddress client = TeredoAddress.parse(dst); // parse and Endpoint.of keep no reference to dst
            if (!TeredoServer.globalUnicast(TeredoServer.v4(client.mappedAddress()))) {
                drops.count(Drop.NOT_GLOBAL);
                return;
            }
            Endpoint peer = Endpoint.of(dst, 0);
            TranslationEntry e = table.lookupByVirtual(peer).orElse(null);
            Trust trust = Trust.HOLD_AND_ASK;
            if (e != null && e.isLive()) {
                Heard h = heard.get(peer);
                if (h == null) {
                    heard.put(peer, h = new Heard(started)); // a peer proven before this build started: 30 s to hear from it
                }
                trust = trust(now, h.at, h.unansweredSince);
                if (h.unansweredSince == 0) {
                    h.unansweredSince = now;
                }
            }
            if (trust == Trust.HOLD_AND_ASK) {
                ask(peer, client, src, ByteBufUtil.getBytes(buf, 0, n), null); // held: a copy of its own
                return;
            }
            e.recordToReal(n);
            // the IPv6 packet is the datagram (RFC 4380 5.4.1), batched per client (protocol.md 15.7)
            InetSocketAddress to = new InetSocketAddress(InetAddress.getByAddress(e.realSide().addressBytes()), e.realSide().port());
            buf.getBytes(0, batch.buffer(to, n), n);
            batch.added(n);
            toClients.increment();
            if (trust == Trust.SEND_AND_ASK) {
                ask(peer, client, src, null, null);
            }
        }
    }

    private void maintainEverySecond(long now) {
        if (now - lastMaintenance >= 1000) {
            lastMaintenance = now;
            maintain(now);
        }
    }

    static Trust trust(long now, long heard, long unansweredSince) {
        if (now - heard >= TRUST_MILLIS) {
            return Trust.HOLD_AND_ASK;
        }
        return unansweredSince != 0 && now - unansweredSince >= QUIET_MILLIS ? Trust.SEND_AND_ASK : Trust.SEND;
    }

    /**
     * Asks the client to prove its mapping (5.4.1 case 3), holding {@code packet} (null: none) until it does. The first
     * round of bubbles goes now, the next ones from {@link #maintain}: with the source {@code bubbleSource} (a native
     * address the client talks to), directly to the mapping in its address, to {@code seenAt} (where a datagram
     * claiming it came from; null: none), and through its server (from the second round on when {@code seenAt} is
     * known: an unsolicited packet from the server could take the client's server mapping on a NAT that forgot it).
     */
    private void ask(Endpoint peer, TeredoAddress client, byte[] bubbleSource, byte[] packet, InetSocketAddress seenAt) {
        Proving p = proving.get(peer);
        if (p == null) {
            if (proving.size() >= PEERS_WAITING) {
                drops.count(Drop.QUEUE_FULL);
                return;
            }
            p = proving.computeIfAbsent(peer, k -> new Proving(client, bubbleSource.clone()));
        }
        boolean firstRound;
        synchronized (p) {
            if (packet != null) {
                if (p.packets.size() >= QUEUE_PER_PEER) {
                    drops.count(Drop.QUEUE_FULL);
                } else {
                    p.packets.add(packet);
                }
            }
            if (seenAt != null) {
                p.seenAt = seenAt;
            }
            firstRound = p.rounds == 0;
            if (firstRound) {
                p.rounds = 1;
                p.lastRound = System.currentTimeMillis();
            }
        }
        if (firstRound) {
            bubbles(p);
        }
    }

    private void bubbles(Proving p) {
        InetSocketAddress seenAt;
        int round;
        synchronized (p) {
            seenAt = p.seenAt;
            round = p.rounds;
        }
        ByteBuf bubble = Unpooled.buffer(40);
        TeredoDatagram.writeBubble(bubble, p.bubbleSource, p.client.toBytes(), 255);
        byte[] b = new byte[40];
        bubble.getBytes(0, b);
        // directly (a restricted NAT opens for us once the client answers; ours answers a relay's bubble from where its
        // NAT maps it now) and through its server (which adds our origin; any client answers that with a direct bubble)
        send(b, new InetSocketAddress(p.client.mappedAddress(), p.client.mappedPort()));
        bubbles.increment();
        if (seenAt != null) {
            send(b, seenAt);
            bubbles.increment();
        }
        if (seenAt == null || round > 1) {
            send(b, new InetSocketAddress(p.client.server(), TeredoServer.PORT));
            bubbles.increment();
        }
    }

    /**
     * Every second: peers that did not answer get another round of bubbles, or lose their packets; every 30 s, peers
     * whose entry is gone from the table are forgotten.
     */
    private void maintain(long now) {
        for (Map.Entry<Endpoint, Proving> e : proving.entrySet()) {
            Proving p = e.getValue();
            boolean again;
            synchronized (p) {
                if (now - p.lastRound < BUBBLE_RETRY_MILLIS) {
                    continue;
                }
                again = p.rounds <= BUBBLE_REPEATS;
                if (again) {
                    p.rounds++;
                    p.lastRound = now;
                } else {
                    drops.count(Drop.NO_ANSWER, p.packets.size());
                }
            }
            if (again) {
                bubbles(p);
            } else {
                proving.remove(e.getKey(), p);
            }
        }
        if (now - lastHeardSweep >= TRUST_MILLIS) { // a table lookup per peer: not every second on the packet thread
            lastHeardSweep = now;
            heard.keySet().removeIf(peer -> table.lookupByVirtual(peer).filter(TranslationEntry::isLive).isEmpty());
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
        public void channelReadComplete(ChannelHandlerContext ctx) {
            try {
                queue.flush(); // protocol.md 15.7: the batch's segments, joined per flow
            } catch (TunException e) {
                drops.count(Drop.TUN_WRITE);
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf in = packet.content();
            InetSocketAddress from = packet.sender();
            if (teredo.parse(in) != TeredoDatagram.Status.OK) {
                drops.count(Drop.NOT_TEREDO);
                return;
            }
            byte[] src = new byte[16];
            in.getBytes(teredo.ipv6Offset() + 8, src);
            if (!TeredoAddress.isTeredo(src, 0) || !(from.getAddress() instanceof Inet4Address)) {
                drops.count(Drop.SPOOFED_SOURCE);
                return;
            }
            TeredoAddress client = TeredoAddress.parse(src);
            Endpoint peer = Endpoint.of(src, 0);
            boolean sameAddress = client.mappedAddress().equals(from.getAddress());
            boolean embedded = sameAddress && client.mappedPort() == from.getPort();
            boolean bubble = teredo.isBubble(in);
            TranslationEntry known = table.lookupByVirtual(peer).orElse(null); // one lookup serves the check and the record
            boolean asked = proving.containsKey(peer);
            if (!acceptable(client, from, provenAt(known, from), bubble && asked)) {
                // 5.4.2: not from where its address says, nor from the mapping it proved, nor the answer to our bubbles
                drops.count(Drop.SPOOFED_SOURCE);
                if (known != null && known.isLive() && sameAddress && !bubble) {
                    // a known peer from another port of its NAT: the NAT may have forgotten it and moved it; ask it
                    byte[] dst = new byte[16];
                    in.getBytes(teredo.ipv6Offset() + 24, dst);
                    if (toIpv6(dst)) {
                        ask(peer, client, dst, null, from);
                    }
                }
                long now = System.currentTimeMillis();
                if (now - lastSpoofLog > 10_000) {
                    lastSpoofLog = now;
                    LOG.warn("Teredo relay: dropped a datagram from {} whose Teredo source says {}:{} (logged once per 10 s)", from,
                            client.mappedAddress().getHostAddress(), client.mappedPort());
                }
                return;
            }
            if (asked && !embedded) {
                LOG.info("Teredo relay: peer {} answers our bubble from {}, not from the mapping in its address ({}:{}): its NAT maps per "
                        + "destination, or gave it a new port", AddressFormat.format(src), from, client.mappedAddress().getHostAddress(), client.mappedPort());
            }
            proven(peer, from, known);
            if (bubble) {
                return;
            }
            byte[] dst = new byte[16];
            in.getBytes(teredo.ipv6Offset() + 24, dst);
            if (!toIpv6(dst)) {
                drops.count(Drop.NOT_GLOBAL); // to global unicast IPv6 only (2000::/3)
                return;
            }
            tx.clear();
            in.getBytes(teredo.ipv6Offset(), tx.limit(teredo.ipv6Length()));
            tx.flip();
            try {
                queue.offer(tx);
                toIpv6.increment();
            } catch (TunException e) {
                drops.count(Drop.TUN_WRITE);
            }
        }
    }

    /**
     * 5.4.2: a datagram from a client is taken when it comes from the mapping in its Teredo address, or from the
     * mapping the client proved before, or is a bubble answering the relay's own bubbles from another port of the
     * address in its Teredo address (the client's NAT may map it to another port towards the relay than towards its
     * server, or give it a new one after forgetting it). Everything else could be anyone's: no open relay, and no one
     * elsewhere can answer our bubbles for a client to take its traffic.
     */
    static boolean acceptable(TeredoAddress client, InetSocketAddress from, boolean provenFromThere, boolean answersOurBubbles) {
        boolean sameAddress = client.mappedAddress().equals(from.getAddress());
        boolean embedded = sameAddress && client.mappedPort() == from.getPort();
        return embedded || provenFromThere || answersOurBubbles && sameAddress;
    }

    /** Where a client's packet may go on the IPv6 side: global unicast (2000::/3), not another Teredo address. */
    static boolean toIpv6(byte[] dst) {
        return !TeredoAddress.isTeredo(dst, 0) && (dst[0] & 0xE0) == 0x20;
    }

    /** True when the peer's entry ({@code e}, or null) says it proved the mapping {@code from} before. */
    private static boolean provenAt(TranslationEntry e, InetSocketAddress from) {
        return e != null && e.isLive() && e.realSide().port() == from.getPort()
                && Arrays.equals(e.realSide().addressBytes(), from.getAddress().getAddress());
    }

    /** The client showed its mapping: record it in the shared table ({@code e}: its entry, or null) and send what waited for it. */
    private void proven(Endpoint teredoAddress, InetSocketAddress mapped, TranslationEntry e) {
        Endpoint real = Endpoint.of(mapped.getAddress(), mapped.getPort());
        try {
            if (e == null || !e.isLive() || !e.realSide().equals(real)) {
                // the mapping is this address's now: a client that qualified again behind it left its old address there
                TranslationEntry before = table.lookupByReal(real).filter(x -> x.kind() == EntryKind.TEREDO_PEER).orElse(null);
                if (before != null) {
                    table.remove(before.id());
                    heard.remove(before.virtualSide());
                }
                EntrySpec spec = new EntrySpec(EntryKind.TEREDO_PEER, teredoAddress, real, EntryOwner.NONE, idle);
                // a peer that moved: replaced in one step, so the TUN reader never finds it missing meanwhile, which
                // would hold its packets and send bubbles through its server; on a NAT that just forgot the client,
                // the server's bubble would take the client's port towards its server, and the client would see its
                // mapping change at its next refresh (docs/teredo.md, "NAT changes")
                e = e != null ? table.replace(e.id(), spec) : table.insert(spec);
                LOG.info("Teredo relay: peer {} proved its mapping {}", InetAddress.getByAddress(teredoAddress.addressBytes()).getHostAddress(), mapped);
            } else {
                e.recordToVirtual(0);
            }
        } catch (TableFullException | EntryConflictException | IOException ex) {
            drops.count(Drop.TABLE);
            return;
        }
        long now = System.currentTimeMillis();
        Heard h = heard.get(teredoAddress);
        if (h == null) {
            heard.put(teredoAddress, new Heard(now));
        } else {
            h.at = now;
            h.unansweredSince = 0;
        }
        Proving p = proving.remove(teredoAddress);
        if (p != null) {
            synchronized (p) {
                for (byte[] packet : p.packets) {
                    send(packet, mapped);
                    toClients.increment();
                }
            }
        }
    }

    @Override
    public org.ntmgate.api.health.RoleCounters counters() {
        return new org.ntmgate.api.health.RoleCounters(Map.of("to_clients", toClients.sum(), "to_ipv6", toIpv6.sum()), Map.of(),
                org.ntmgate.api.health.RoleCounters.byName(drops.snapshot()));
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    @Override
    public String status() {
        return "relaying on udp " + (udp == null ? "-" : udp.localAddress()) + " and " + tunName + " (2001::/32); to clients " + toClients.sum()
                + ", to IPv6 " + toIpv6.sum() + ", bubbles " + bubbles.sum() + ", peers " + table.entries(x -> x.kind() == EntryKind.TEREDO_PEER).size()
                + ", proving " + proving.size() + "; TUN " + (queue == null ? "not open" : queue.offloadSummary());
    }

    @Override
    public void close() {
        running = false;
        Threads.close(reader, udp, tun);
    }
}
