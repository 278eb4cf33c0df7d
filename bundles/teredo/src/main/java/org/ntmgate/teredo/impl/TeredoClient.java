package org.ntmgate.teredo.impl;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.teredo.impl.ClientRules.Advert;
import org.ntmgate.teredo.impl.ClientRules.NatType;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.UdpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teredo client (RFC 4380 5.2 with RFC 5991): qualifies with its server's primary and secondary addresses and
 * says what NAT it is behind; keeps its mapping alive and follows it when it changes; gives its TUN device the Teredo
 * address and routes 2000::/3 there while qualified; sends to Teredo peers after the bubble exchange (5.2.6) and to
 * native hosts through the relay the direct connectivity test finds (5.2.9); checks what it receives (5.2.3).
 * Behind a symmetric NAT it says so: it qualifies for native IPv6 hosts only (reached through relays that take the
 * mapping the client proves with bubbles; other Teredo clients cannot reach it), or, with {@code refuseSymmetricNat},
 * not at all, as RFC 4380 5.2.1 has it.
 */
final class TeredoClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TeredoClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MTU = 1280;
    /** 5.2.1: solicitations are retransmitted; we wait this long for each answer. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(2);
    static final int SOLICITATIONS = 3;
    /** Refreshes without an answer (each of {@link #SOLICITATIONS} solicitations) before the client qualifies again. */
    static final int REFRESH_TRIES = 3;
    /** How often a waiting peer gets bubbles or a connectivity-test echo again, and how many times. */
    static final Duration RETRY = Duration.ofSeconds(2);
    static final int ATTEMPTS = 4;
    static final int QUEUE_PER_PEER = 16;
    static final int PEERS = 4096;
    /** 5.2.5: a peer not heard from for this long gets a direct bubble with our next packet (its NAT may have closed). */
    static final long QUIET_MILLIS = 30_000;
    static final long PEER_IDLE_MILLIS = 300_000;
    /**
     * A native host's relay not heard from for this long while we send through it is tested again (one echo at most
     * every twice this): relays restart, move, or give way to another, and a TCP connection's retries should find the
     * new one.
     */
    static final long RELAY_QUIET_MILLIS = 5_000;

    enum State {
        QUALIFYING, QUALIFIED, NO_SERVER, SYMMETRIC_NAT, STOPPED
    }

    enum Drop {
        NOT_TEREDO, NOT_QUALIFIED, NOT_FOR_US, SPOOFED_SOURCE, UNKNOWN_SERVER_PACKET, BAD_ADVERTISEMENT, NOT_OURS, QUEUE_FULL, NO_ANSWER,
        UNKNOWN_RELAY, TUN_WRITE, BUBBLE_RATE, TEST_RATE, BAD_TRAILER
    }

    /**
     * What one flood of packets can make the client send: direct bubbles to origins its server passes on, and
     * connectivity tests for native sources arriving through relays it does not know; per second, with a burst.
     */
    static final int ANSWERS_PER_SECOND = 20;
    private final TeredoServer.SourceRates answerRate = new TeredoServer.SourceRates(ANSWERS_PER_SECOND, 2 * ANSWERS_PER_SECOND);

    /** What qualification found; replaced as a whole. */
    record Qualification(State state, NatType nat, TeredoAddress address, InetSocketAddress mapped, String why) {
    }

    private static final class Peer {
        final byte[] address;
        final boolean teredo;
        volatile InetSocketAddress mapping;
        volatile long lastHeard;
        volatile long lastBubble;
        volatile long lastAnswer;
        final ArrayDeque<byte[]> out = new ArrayDeque<>();
        final ArrayDeque<byte[]> in = new ArrayDeque<>();
        InetSocketAddress inFrom;
        long echoNonce;
        int attempts;
        long lastAttempt;
        long lastUsed;
        /** H4: the local addresses a peer behind our own NAT advertised ({@code address << 16 | port}); empty: none. */
        volatile long[] alternates = NO_ALTERNATES;
        volatile long lastHairpin;

        Peer(byte[] address) {
            this.address = address;
            this.teredo = TeredoAddress.isTeredo(address, 0);
        }
    }

    private final InetSocketAddress server;
    private final InetSocketAddress secondary;
    private final InetSocketAddress bind;
    private final String tunName;
    private final Duration refresh;
    private final int routeMetric;
    private final boolean refuseSymmetricNat;
    /** RFC 6081's Hairpinning extension (docs/teredo.md H1-H5): peers behind our own NAT by their local addresses. */
    private final boolean hairpinning;
    /** Whether the NAT was seen to hairpin at the last qualification ({@link #hairpinCheck}); null: not known or no NAT. */
    private volatile Boolean hairpins;
    private final Map<Key, Peer> peers = new ConcurrentHashMap<>();
    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    private final LongAdder toPeers = new LongAdder();
    private final LongAdder fromPeers = new LongAdder();
    private final LongAdder bubblesSent = new LongAdder();
    private final LongAdder mappingChanges = new LongAdder();
    private final Map<InetSocketAddress, Long> bubbledTo = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<InetSocketAddress, Long> eldest) {
            return size() > 4096;
        }
    };
    private volatile Qualification qualification;
    /** Refreshes in a row the server did not answer; at {@link #REFRESH_TRIES} the client qualifies again. */
    private int silentRefreshes;
    private int randomBits;
    private InetSocketAddress randomFor;
    private TeredoAddress lastQualified;
    private volatile byte[] ourAddress;
    private volatile Pending pending;
    private volatile boolean running = true;
    private boolean routed;
    private UdpServer udp;
    private TunDevice tun;
    private TunQueue queue;
    private Thread reader;
    private ScheduledExecutorService timer;
    private InetSocketAddress local;

    private static final long[] NO_ALTERNATES = new long[0];

    private record Pending(long nonce, CompletableFuture<Advert> answer) {
    }

    /** A 16-byte address as a map key. */
    private record Key(long high, long low) {
        static Key of(byte[] a, int at) {
            return new Key(ByteBuffer.wrap(a, at, 16).getLong(), ByteBuffer.wrap(a, at + 8, 8).getLong());
        }
    }

    TeredoClient(InetSocketAddress server, InetSocketAddress secondary, InetSocketAddress bind, String tunName, Duration refresh, int routeMetric,
            boolean refuseSymmetricNat, boolean hairpinning) {
        this.refuseSymmetricNat = refuseSymmetricNat;
        this.hairpinning = hairpinning;
        this.server = server;
        this.secondary = secondary;
        this.bind = bind;
        this.tunName = tunName;
        this.refresh = refresh;
        this.routeMetric = routeMetric;
        qualification = new Qualification(State.QUALIFYING, NatType.UNKNOWN, null, null, "qualifying with " + hostPort(server));
    }

    /** Opens the TUN device and the socket, and starts qualifying (in the background). */
    void start() throws TunException, InterruptedException, IOException {
        tun = TunDevice.open(tunName, 1, true); // protocol.md 15.7, as the NTM node
        tun.up(MTU);
        queue = tun.queue(0);
        udp = UdpServer.bind(bind, new Handler());
        local = localTowardsServer(udp.localAddress());
        reader = new Thread(this::readTun, "ntmgate-teredo-client-tun");
        reader.setDaemon(true);
        reader.start();
        // two threads: qualification and refresh wait for advertisements (seconds, when they are lost on a loaded or
        // flooded socket), and the peers' once-a-second upkeep (retries, idle peers) must not wait behind them
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "ntmgate-teredo-client");
            t.setDaemon(true);
            return t;
        });
        timer.execute(this::qualify);
        timer.scheduleWithFixedDelay(this::maintainPeers, 1, 1, TimeUnit.SECONDS);
    }

    /** The address and port the server would see without a NAT: the source towards the server, and our port. */
    private InetSocketAddress localTowardsServer(InetSocketAddress bound) throws IOException {
        if (!bound.getAddress().isAnyLocalAddress()) {
            return bound;
        }
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.connect(server);
            return new InetSocketAddress(((InetSocketAddress) probe.getLocalAddress()).getAddress(), bound.getPort());
        }
    }

    // ---- qualification (5.2.1), refresh and mapping changes (5.2.7) -------------------------------------------

    private void qualify() {
        if (!running) {
            return;
        }
        try {
            Advert primary = solicit(server, false, SOLICITATIONS);
            if (primary == null) {
                unqualify(State.NO_SERVER, NatType.UNKNOWN, "no answer from the Teredo server " + hostPort(server) + " (" + SOLICITATIONS
                        + " solicitations); trying again in " + refresh.toSeconds() + " s");
                timer.schedule(this::qualify, refresh.toSeconds(), TimeUnit.SECONDS);
                return;
            }
            boolean coneAnswered = coneCheck();
            hairpins = hairpinCheck(primary.mapped());
            Advert other = solicit(secondary, false, 2);
            NatType nat = ClientRules.verdict(local, primary.mapped(), other == null ? null : other.mapped(), coneAnswered);
            String seen = "the server's primary address sees this client as " + hostPort(primary.mapped()) + ", its secondary address as "
                    + (other == null ? "-" : hostPort(other.mapped()));
            if (nat == NatType.SYMMETRIC && refuseSymmetricNat) {
                unqualify(State.SYMMETRIC_NAT, nat, "symmetric NAT: " + seen + "; Teredo peers could not use the mapping in a Teredo address "
                        + "(RFC 4380 5.2.1), so the client does not qualify (refuseSymmetricNat); checking again in " + refresh.toSeconds() + " s");
                timer.schedule(this::qualify, refresh.toSeconds(), TimeUnit.SECONDS);
                return;
            }
            if (nat == NatType.SYMMETRIC) {
                LOG.warn("Teredo client behind a symmetric NAT: {}. Native IPv6 hosts are reached through relays that take the mapping a client "
                        + "proves by answering their bubbles (ntmgate's and Miredo's do); other Teredo clients cannot reach this one (RFC 4380 5.2.1)", seen);
            }
            String why = switch (nat) {
            case SYMMETRIC -> "symmetric NAT: " + seen + "; native IPv6 hosts only, through relays that take a mapping proved by bubbles; no Teredo peers";
            case NONE -> "no NAT: the server sees this host's own address";
            case CONE -> "cone NAT: the server's other address reached the mapping";
            case RESTRICTED -> "restricted NAT: the same mapping towards both server addresses, answers only from hosts sent to (bubbles needed)";
            default -> "the secondary address " + hostPort(secondary) + " did not answer: whether the NAT is symmetric is not known";
            };
            // RFC 5991's random bits are drawn again for a new mapping; for the same one the address stays the same, so
            // that connections survive a qualification that found nothing new (after the server was silent a while)
            if (!primary.mapped().equals(randomFor)) {
                randomBits = RANDOM.nextInt();
                randomFor = primary.mapped();
            }
            TeredoAddress address = TeredoAddress.ofClient(primary.prefixServer(), randomBits, primary.mapped().getPort(),
                    (Inet4Address) primary.mapped().getAddress());
            qualified(address, primary.mapped(), nat, why);
            timer.schedule(this::refresh, refresh.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("Teredo client: qualification failed", e);
            timer.schedule(this::qualify, refresh.toSeconds(), TimeUnit.SECONDS);
        }
    }

    /**
     * 5.2.1's cone check, from a socket of its own: a solicitation asking the server to answer from its other address,
     * which only a NAT that lets anyone reach a mapping (or no NAT) delivers. Not from the client's socket: the
     * answer the NAT drops would still leave a connection-tracking entry for the server's other address, and Linux's
     * masquerade would then map the client's own solicitation to that address to another port (a false "symmetric").
     */
    private boolean coneCheck() {
        try (DatagramChannel c = DatagramChannel.open()) {
            c.bind(new InetSocketAddress(bind.getAddress(), 0));
            long nonce = RANDOM.nextLong();
            c.send(ByteBuffer.wrap(ClientRules.routerSolicitation(true, nonce)), server);
            c.configureBlocking(false);
            Selector selector = Selector.open();
            try (selector) {
                c.register(selector, SelectionKey.OP_READ);
                long deadline = System.currentTimeMillis() + ANSWER_WAIT.toMillis();
                ByteBuffer rx = ByteBuffer.allocate(2048);
                TeredoDatagram d = new TeredoDatagram();
                while (running) {
                    long left = deadline - System.currentTimeMillis();
                    if (left <= 0 || selector.select(left) == 0) {
                        return false;
                    }
                    selector.selectedKeys().clear();
                    rx.clear();
                    InetSocketAddress from = (InetSocketAddress) c.receive(rx);
                    rx.flip();
                    ByteBuf b = Unpooled.wrappedBuffer(rx);
                    if (from != null && from.equals(secondary) && d.parse(b) == TeredoDatagram.Status.OK
                            && ClientRules.advertisement(b, d, nonce, (Inet4Address) server.getAddress(), from) != null) {
                        return true;
                    }
                }
                return false;
            }
        } catch (IOException e) {
            LOG.warn("Teredo client: the cone check failed: {}", e.getMessage());
            return false;
        }
    }

    /**
     * Whether the NAT hairpins, as a NAT check tests it (RFC 4787 6, RFC 6081's case): from a socket of its own, a
     * solicitation to the server gives that socket's mapping, then a datagram to that mapping comes back to the
     * socket only through a NAT that sends inside-to-outside traffic for its own address back in. Null where it does
     * not apply or is not known: no NAT (the mapping is this host's own address), or no answer from the server.
     */
    private Boolean hairpinCheck(InetSocketAddress clientMapping) {
        if (clientMapping.getAddress().equals(local.getAddress())) {
            return null;
        }
        try (DatagramChannel c = DatagramChannel.open(); Selector selector = Selector.open()) {
            c.bind(new InetSocketAddress(bind.getAddress(), 0));
            c.configureBlocking(false);
            c.register(selector, SelectionKey.OP_READ);
            long nonce = RANDOM.nextLong();
            c.send(ByteBuffer.wrap(ClientRules.routerSolicitation(false, nonce)), server);
            ByteBuffer rx = ByteBuffer.allocate(2048);
            TeredoDatagram d = new TeredoDatagram();
            InetSocketAddress mapped = null;
            byte[] probe = new byte[16];
            RANDOM.nextBytes(probe);
            long deadline = System.currentTimeMillis() + ANSWER_WAIT.toMillis();
            while (running) {
                long left = deadline - System.currentTimeMillis();
                if (left <= 0 || selector.select(left) == 0) {
                    return mapped == null ? null : Boolean.FALSE;
                }
                selector.selectedKeys().clear();
                rx.clear();
                InetSocketAddress from = (InetSocketAddress) c.receive(rx);
                rx.flip();
                if (from == null) {
                    continue;
                }
                if (mapped == null) {
                    ByteBuf b = Unpooled.wrappedBuffer(rx);
                    Advert a = from.equals(server) && d.parse(b) == TeredoDatagram.Status.OK
                            ? ClientRules.advertisement(b, d, nonce, (Inet4Address) server.getAddress(), from) : null;
                    if (a != null) {
                        mapped = a.mapped();
                        c.send(ByteBuffer.wrap(probe), mapped); // to this socket's own mapping, from inside
                        deadline = System.currentTimeMillis() + ANSWER_WAIT.toMillis();
                    }
                } else if (rx.remaining() == probe.length && ByteBuffer.wrap(probe).equals(rx)) {
                    return Boolean.TRUE;
                }
            }
            return null;
        } catch (IOException e) {
            LOG.warn("Teredo client: the hairpinning check failed: {}", e.getMessage());
            return null;
        }
    }

    /** 5.2.7: a solicitation every refresh interval keeps the mapping alive and shows when it changed. */
    private void refresh() {
        if (!running) {
            return;
        }
        Qualification q = qualification;
        try {
            Advert a = solicit(server, false, SOLICITATIONS);
            if (a == null) {
                // a loaded link or server loses a few advertisements: the address stays while the server may be back
                silentRefreshes++;
                if (silentRefreshes < REFRESH_TRIES) {
                    LOG.warn("Teredo client: the server {} did not answer a refresh ({} of {}); the address stays, trying again", hostPort(server),
                            silentRefreshes, REFRESH_TRIES);
                    timer.schedule(this::refresh, ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
                    return;
                }
                LOG.warn("Teredo client: the server {} stopped answering ({} refreshes); qualifying again", hostPort(server), REFRESH_TRIES);
                silentRefreshes = 0;
                unqualify(State.QUALIFYING, q.nat(), "the server stopped answering; qualifying again");
                qualify();
                return;
            }
            silentRefreshes = 0;
            if (!a.mapped().equals(q.mapped())) {
                mappingChanges.increment();
                LOG.warn("Teredo client: the NAT mapping changed from {} to {}: qualifying again for a new Teredo address (5.2.7)",
                        hostPort(q.mapped()), hostPort(a.mapped()));
                unqualify(State.QUALIFYING, q.nat(), "the NAT mapping changed from " + hostPort(q.mapped()) + " to " + hostPort(a.mapped()));
                qualify();
                return;
            }
            timer.schedule(this::refresh, refresh.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("Teredo client: refresh failed", e);
            timer.schedule(this::refresh, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Sends up to {@code tries} solicitations to {@code to}; the advertisement that answers one, or null. */
    private Advert solicit(InetSocketAddress to, boolean cone, int tries) throws InterruptedException {
        for (int i = 0; i < tries && running; i++) {
            long nonce = RANDOM.nextLong();
            Pending p = new Pending(nonce, new CompletableFuture<>());
            pending = p;
            send(ClientRules.routerSolicitation(cone, nonce), to);
            try {
                return p.answer().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // retransmit
            } catch (ExecutionException e) {
                return null;
            } finally {
                pending = null;
            }
        }
        return null;
    }

    private synchronized void qualified(TeredoAddress address, InetSocketAddress mapped, NatType nat, String why) throws TunException {
        Qualification before = qualification;
        if (before.address() != null && !before.address().equals(address)) {
            tun.removeAddress(before.address().toInet6(), 32);
        }
        if (before.address() == null || !before.address().equals(address)) {
            tun.addAddress(address.toInet6(), 32);
        }
        if (!routed) {
            tun.addRoute((Inet6Address) inet("2000::"), 3, routeMetric);
            routed = true;
        }
        ourAddress = address.toBytes();
        if (!address.equals(lastQualified)) {
            peers.clear(); // what peers knew was for the old address
        }
        lastQualified = address;
        qualification = new Qualification(State.QUALIFIED, nat, address, mapped, why);
        LOG.info("Teredo client qualified with {}: address {}, mapped {}, NAT {} ({})", hostPort(server), AddressFormat.format(address.toBytes()),
                hostPort(mapped), nat.name().toLowerCase(), why);
    }

    private synchronized void unqualify(State state, NatType nat, String why) {
        Qualification before = qualification;
        try {
            if (before.address() != null) {
                tun.removeAddress(before.address().toInet6(), 32);
            }
            if (routed) {
                tun.removeRoute((Inet6Address) inet("2000::"), 3, routeMetric);
                routed = false;
            }
        } catch (TunException e) {
            LOG.warn("Teredo client: could not take the address or route off {}: {}", tunName, e.getMessage());
        }
        ourAddress = null;
        qualification = new Qualification(state, nat, null, null, why);
        if (state == State.SYMMETRIC_NAT || state == State.NO_SERVER) {
            LOG.warn("Teredo client not qualified: {}", why);
        }
    }

    // ---- IPv6 side -> peers (5.2.4, 5.2.6, 5.2.9) ---------------------------------------------------------------

    private void readTun() {
        ByteBuffer rx = ByteBuffer.allocateDirect(65_536);
        ByteBuf buf = Unpooled.wrappedBuffer(rx);
        DatagramBatch batch = new DatagramBatch(udp);
        byte[] dst = new byte[16];
        while (running) {
            try {
                rx.clear();
                int n = queue.read(rx, batch.pending() ? 0 : 200);
                if (n == 0) {
                    batch.flush(); // the device has nothing more for now (protocol.md 15.7)
                    continue;
                }
                byte[] us = ourAddress;
                if (us == null || n < 40 || (buf.getUnsignedByte(0) >> 4) != 6 || !IpPacket.bytesAt(buf, 8, us)) {
                    drops.count(Drop.NOT_OURS); // the kernel's own link-local traffic, or nothing qualified yet
                    continue;
                }
                int first = buf.getUnsignedByte(24);
                if (first == 0xff || (first == 0xfe && (buf.getUnsignedByte(25) & 0xc0) == 0x80)) {
                    drops.count(Drop.NOT_OURS);
                    continue;
                }
                buf.getBytes(24, dst);
                toPeer(buf, n, dst, us, batch);
            } catch (TunException e) {
                if (running) {
                    LOG.error("Teredo client: reading {} failed: {}", tunName, e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.error("Teredo client: a packet failed inside the client", e);
            }
        }
    }

    /** 5.2.4: a packet from the IPv6 side to its peer: sent when the peer's mapping is known, else held while it is sought. */
    private void toPeer(ByteBuf buf, int n, byte[] dst, byte[] us, DatagramBatch batch) {
        Peer p = peer(dst, 0); // keeps no reference to dst
        if (p == null) {
            drops.count(Drop.QUEUE_FULL);
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
                    bubble(us, p.address, m); // 5.2.5: its NAT may have forgotten us
                } else {
                    tryToReach(p, us, now); // its relay silent for long: is it still the one? (a new test, packets keep going)
                }
            }
            buf.getBytes(0, batch.buffer(m, n), n); // the IPv6 packet is the datagram (RFC 4380 5.2.4), batched per destination
            batch.added(n);
            toPeers.increment();
            return;
        }
        byte[] packet = new byte[n];
        buf.getBytes(0, packet);
        boolean first;
        synchronized (p) {
            if (p.out.size() >= QUEUE_PER_PEER) {
                drops.count(Drop.QUEUE_FULL);
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
    private void tryToReach(Peer p, byte[] us, long now) {
        synchronized (p) {
            p.attempts++;
            p.lastAttempt = now;
        }
        if (p.teredo) {
            TeredoAddress t = TeredoAddress.parse(p.address); // parse keeps no reference
            boolean trailer = behindOurNat(p.address);
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
            PacketBuilder.echoRequest(out, us, p.address, (int) (nonce >>> 48), (int) (nonce >>> 32) & 0xFFFF,
                    Unpooled.copyLong(nonce));
            send(bytes(out), server);
        }
    }

    private void bubble(byte[] src, byte[] dst, InetSocketAddress to) {
        bubble(src, dst, to, false);
    }

    /** A bubble; with {@code trailer}, our local address and port in an Alternate Address trailer (H2). */
    private void bubble(byte[] src, byte[] dst, InetSocketAddress to, boolean trailer) {
        ByteBuf b = Unpooled.buffer(50);
        TeredoDatagram.writeBubble(b, src, dst, 255);
        InetSocketAddress l = local;
        if (trailer && l != null) {
            TeredoDatagram.writeAlternateAddress(b, TeredoServer.v4((Inet4Address) l.getAddress()), l.getPort());
        }
        send(bytes(b), to);
        bubblesSent.increment();
    }

    /**
     * H2: the peer is a Teredo client behind the same mapped address as we are, and we are behind a NAT (our local
     * address is not our mapping), with the extension on: our bubbles to it carry our local address.
     */
    private boolean behindOurNat(byte[] peer) {
        Qualification q = qualification;
        InetSocketAddress l = local;
        if (!hairpinning || q.mapped() == null || l == null || l.getAddress().equals(q.mapped().getAddress())
                || !TeredoAddress.isTeredo(peer, 0)) {
            return false;
        }
        return TeredoAddress.parse(peer).mappedAddress().equals(q.mapped().getAddress());
    }

    /** H4: a direct bubble, with our trailer, to each local address the peer advertised; once a second per peer. */
    private void bubbleAlternates(Peer p, byte[] us, long now) {
        long[] alternates = p.alternates;
        if (alternates.length == 0 || now - p.lastHairpin < 1000) {
            return;
        }
        p.lastHairpin = now;
        for (long a : alternates) {
            bubble(us, p.address, alternate(a), true);
        }
    }

    private static InetSocketAddress alternate(long packed) {
        return new InetSocketAddress(TeredoAddress.v4((int) (packed >>> 16)), (int) (packed & 0xFFFF));
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

    /** Every second: waiting peers get another try, or lose their packets after {@link #ATTEMPTS}; idle peers go. */
    private void maintainPeers() {
        byte[] us = ourAddress;
        long now = System.currentTimeMillis();
        for (Map.Entry<Key, Peer> e : peers.entrySet()) {
            Peer p = e.getValue();
            boolean retry = false;
            synchronized (p) {
                // waiting to be reached, or holding a native host's packets that came through a relay still being tested
                boolean waiting = p.mapping == null && !p.out.isEmpty() || !p.in.isEmpty() || p.echoNonce != 0 && p.attempts > 0;
                if (waiting && now - p.lastAttempt >= RETRY.toMillis()) {
                    if (p.attempts >= ATTEMPTS) {
                        p.echoNonce = 0;
                        drops.count(Drop.NO_ANSWER, p.out.size() + p.in.size());
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

    private Peer peer(byte[] packet, int at) {
        Key k = Key.of(packet, at);
        Peer p = peers.get(k);
        if (p == null) {
            if (peers.size() >= PEERS) {
                return null;
            }
            p = peers.computeIfAbsent(k, x -> new Peer(Arrays.copyOfRange(packet, at, at + 16)));
        }
        return p;
    }

    // ---- peers -> IPv6 side (5.2.3) ------------------------------------------------------------------------------

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final TeredoDatagram teredo = new TeredoDatagram();
        private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);
        private final long[] advertised = new long[4];

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            try {
                queue.flush(); // protocol.md 15.7: the batch's segments, joined per flow
            } catch (TunException e) {
                drops.count(Drop.TUN_WRITE);
            }
        }

        /** H5: a datagram from an address the peer advertised before, or (a direct bubble) lists in its own trailer. */
        private boolean fromAlternate(byte[] src, InetSocketAddress from, int n) {
            long f = packed(from);
            if (listed(advertised, n, f)) {
                return true;
            }
            Peer known = hairpinning ? peers.get(Key.of(src, 0)) : null;
            return known != null && listed(known.alternates, known.alternates.length, f);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf in = packet.content();
            InetSocketAddress from = packet.sender();
            if (teredo.parse(in) != TeredoDatagram.Status.OK) {
                drops.count(Drop.NOT_TEREDO);
                return;
            }
            if (from.getPort() == TeredoServer.PORT && (from.getAddress().equals(server.getAddress()) || from.getAddress().equals(secondary.getAddress()))) {
                fromServer(in, from);
                return;
            }
            byte[] us = ourAddress;
            if (us == null) {
                drops.count(Drop.NOT_QUALIFIED);
                return;
            }
            int v6 = teredo.ipv6Offset();
            if (!IpPacket.bytesAt(in, v6 + 24, us)) {
                drops.count(Drop.NOT_FOR_US);
                return;
            }
            boolean bubble = teredo.isBubble(in);
            long now = System.currentTimeMillis();
            byte[] src = bytes(in, v6 + 8);
            if (TeredoAddress.isTeredo(src, 0)) {
                TeredoAddress sender = TeredoAddress.parse(src);
                boolean fromMapping = sender.mappedPort() == from.getPort() && sender.mappedAddress().equals(from.getAddress());
                int alternates = hairpinning && bubble && behindOurNat(src) ? teredo.alternateAddresses(in, advertised) : 0;
                if (alternates < 0) {
                    drops.count(Drop.BAD_TRAILER); // H1: a malformed Alternate Address trailer
                    return;
                }
                if (!fromMapping && !fromAlternate(src, from, alternates)) {
                    drops.count(Drop.SPOOFED_SOURCE); // 5.2.3: a Teredo source must match where it came from (H5)
                    return;
                }
                Peer p = peerFor(src);
                if (p == null) {
                    return;
                }
                heard(p, from, now);
                if (alternates > 0) {
                    p.alternates = Arrays.copyOf(advertised, alternates); // H4: a direct bubble from the peer itself
                    bubbleAlternates(p, us, now);
                }
                if (!bubble) {
                    toTun(in, v6);
                }
                return;
            }
            // a native source: only through the relay the connectivity test confirmed for it (5.2.3, 5.2.9)
            Peer p = peers.get(Key.of(src, 0));
            if (p != null && !bubble && isEchoReply(in, v6, p)) {
                heard(p, from, now); // the answer to our test: the relay nearest that host; send through it from now on
                return;
            }
            if (p != null && from.equals(p.mapping)) {
                p.lastHeard = now;
                if (!bubble) {
                    toTun(in, v6);
                } else if (now - p.lastAnswer >= 1000 && answerRate.take(1, now)) {
                    // the relay asks us to show our mapping again (its NAT side may have moved us to another port): a
                    // bubble back, from wherever our NAT maps us now (RFC 4380 5.2.3: a client MAY send a bubble
                    // towards the source of any packet it receives); once a second per host at most
                    p.lastAnswer = now;
                    bubble(us, p.address, from);
                }
                return;
            }
            if (bubble) {
                drops.count(Drop.UNKNOWN_RELAY); // the relay's bubble through our server gets our answer
                return;
            }
            // an unknown relay for this host: hold the packet and test (is it really that host's relay?), at a bounded rate
            if ((p == null || p.attempts == 0) && !answerRate.take(2, now)) {
                drops.count(Drop.TEST_RATE);
                return;
            }
            if (p == null && (p = peerFor(src)) == null) {
                return;
            }
            boolean start;
            synchronized (p) {
                if (p.in.size() >= 4) {
                    drops.count(Drop.QUEUE_FULL);
                    return;
                }
                byte[] held = new byte[teredo.ipv6Length()];
                in.getBytes(v6, held);
                p.in.add(held);
                p.inFrom = from;
                start = p.attempts == 0;
            }
            if (start) {
                tryToReach(p, us, now);
            }
        }

        /** From our server: its advertisements, and bubbles it passes on with the sender's origin (5.2.3). */
        private void fromServer(ByteBuf in, InetSocketAddress from) {
            Pending p = pending;
            if (teredo.hasAuthentication()) {
                Advert a = p == null ? null : ClientRules.advertisement(in, teredo, p.nonce(), (Inet4Address) server.getAddress(), from);
                if (a == null) {
                    drops.count(Drop.BAD_ADVERTISEMENT);
                    return;
                }
                p.answer().complete(a);
                return;
            }
            byte[] us = ourAddress;
            if (us == null || !teredo.hasOrigin() || !IpPacket.bytesAt(in, teredo.ipv6Offset() + 24, us)) {
                drops.count(Drop.UNKNOWN_SERVER_PACKET);
                return;
            }
            InetSocketAddress origin = new InetSocketAddress(TeredoAddress.v4(teredo.originAddress()), teredo.originPort());
            if (!TeredoServer.globalUnicast(teredo.originAddress()) || teredo.originPort() == 0) {
                drops.count(Drop.UNKNOWN_SERVER_PACKET);
                return;
            }
            if (teredo.isBubble(in)) {
                // someone (a peer or a relay) wants to reach us: a direct bubble opens our NAT towards it, once a second at most
                long now = System.currentTimeMillis();
                synchronized (bubbledTo) {
                    Long last = bubbledTo.get(origin);
                    if (last != null && now - last < 1000 || !answerRate.take(1, now)) {
                        drops.count(Drop.BUBBLE_RATE);
                        return;
                    }
                    bubbledTo.put(origin, now);
                }
                byte[] src = bytes(in, teredo.ipv6Offset() + 8);
                boolean sameNat = behindOurNat(src);
                bubble(us, src, origin, sameNat);
                if (sameNat) {
                    // H4: the server's origin indication is the mapping in the sender's address: its trailer is its own
                    TeredoAddress sender = TeredoAddress.parse(src);
                    int n = origin.equals(new InetSocketAddress(sender.mappedAddress(), sender.mappedPort()))
                            ? teredo.alternateAddresses(in, advertised) : 0;
                    if (n < 0) {
                        drops.count(Drop.BAD_TRAILER);
                    } else if (n > 0) {
                        Peer peer = peerFor(src);
                        if (peer != null) {
                            peer.lastUsed = now;
                            peer.alternates = Arrays.copyOf(advertised, n);
                            bubbleAlternates(peer, us, now);
                        }
                    }
                }
                return;
            }
            toTun(in, teredo.ipv6Offset()); // ICMPv6 a peer sent through our server
        }

        /** The peer at address {@code a} (16 bytes), made if new; null (counted) when the list is full. */
        private Peer peerFor(byte[] a) {
            Peer p = peer(a, 0);
            if (p == null) {
                drops.count(Drop.QUEUE_FULL);
            }
            return p;
        }

        private boolean isEchoReply(ByteBuf in, int v6, Peer p) {
            if (teredo.ipv6Length() < 40 + 16 || in.getUnsignedByte(v6 + 6) != IpProtocol.ICMPV6
                    || in.getUnsignedByte(v6 + 40) != ClientRules.ECHO_REPLY) {
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
                queue.offer(tx);
                fromPeers.increment();
            } catch (TunException e) {
                drops.count(Drop.TUN_WRITE);
            }
        }
    }

    /** The peer answered from {@code from}: that is its mapping (or its relay); what waited for it goes now. */
    private void heard(Peer p, InetSocketAddress from, long now) {
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
                drops.count(Drop.UNKNOWN_RELAY, p.in.size());
            }
            p.out.clear();
            p.in.clear();
            p.inFrom = null;
        }
        for (byte[] b : out) {
            send(b, from);
            toPeers.increment();
        }
        ByteBuffer buf = ByteBuffer.allocateDirect(MTU + 100);
        for (byte[] b : in) {
            buf.clear();
            buf.put(b).flip();
            write(buf);
        }
    }

    private void write(ByteBuffer packet) {
        try {
            queue.write(packet);
            fromPeers.increment();
        } catch (TunException e) {
            drops.count(Drop.TUN_WRITE);
        }
    }

    private void send(byte[] payload, InetSocketAddress to) {
        UdpServer u = udp;
        if (u != null) {
            u.send(Unpooled.wrappedBuffer(payload), to, true);
        }
    }

    // ---- status ----------------------------------------------------------------------------------------------

    Qualification qualification() {
        return qualification;
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    String status() {
        Qualification q = qualification;
        return q.state().name().toLowerCase() + (q.address() != null ? " as " + AddressFormat.format(q.address().toBytes()) + " (mapped " + hostPort(q.mapped()) + ")" : "")
                + "; server " + hostPort(server) + "/" + secondary.getAddress().getHostAddress() + "; NAT " + q.nat().name().toLowerCase() + ": " + q.why()
                + "; socket " + (udp == null ? "-" : hostPort(udp.localAddress())) + ", device " + tunName + "; to peers " + toPeers.sum() + ", from peers "
                + fromPeers.sum() + ", bubbles " + bubblesSent.sum() + ", mapping changes " + mappingChanges.sum() + ", peers " + peers.size() + "; dropped: "
                + drops + "; TUN " + (queue == null ? "not open" : queue.offloadSummary());
    }

    /** The state for the console: qualification, NAT as a NAT check reports it, peers. */
    org.ntmgate.api.teredo.TeredoClientState view() {
        Qualification q = qualification;
        java.util.List<org.ntmgate.api.teredo.TeredoClientState.Peer> ps = new java.util.ArrayList<>();
        int byLocal = 0;
        for (Peer p : peers.values()) {
            InetSocketAddress m = p.mapping;
            ps.add(new org.ntmgate.api.teredo.TeredoClientState.Peer(AddressFormat.format(p.address), p.teredo, m == null ? null : hostPort(m),
                    p.lastHeard == 0 ? null : java.time.Instant.ofEpochMilli(p.lastHeard), p.out.size()));
            if (p.lastHairpin > 0) {
                byLocal++;
            }
        }
        Boolean varies = switch (q.nat()) {
            case SYMMETRIC -> Boolean.TRUE;
            case NONE, CONE, RESTRICTED -> Boolean.FALSE;
            default -> null;
        };
        return new org.ntmgate.api.teredo.TeredoClientState(q.state().name().toLowerCase(), q.nat().name().toLowerCase(), varies, hairpins, hairpinning,
                byLocal, q.address() == null ? null : AddressFormat.format(q.address().toBytes()), q.mapped() == null ? null : hostPort(q.mapped()),
                hostPort(server) + " / " + secondary.getAddress().getHostAddress(), q.why(), ps);
    }

    org.ntmgate.api.health.RoleCounters counters() {
        return new org.ntmgate.api.health.RoleCounters(java.util.Map.of("to_peers", toPeers.sum(), "from_peers", fromPeers.sum()), java.util.Map.of(),
                org.ntmgate.api.health.RoleCounters.byName(drops.snapshot()));
    }

    /** One line per peer: its address, where it is reached (its mapping, or the relay for a native host), when last heard. */
    String peers() {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder();
        for (Peer p : peers.values()) {
            b.append(AddressFormat.format(p.address)).append(p.teredo ? " (Teredo)" : " (native)").append(" via ")
                    .append(p.mapping == null ? "- (waiting, " + p.out.size() + " queued)" : hostPort(p.mapping)).append(", heard ")
                    .append(p.lastHeard == 0 ? "never" : (now - p.lastHeard) / 1000 + " s ago").append('\n');
        }
        return b.length() == 0 ? "no peers\n" : b.toString();
    }

    static String hostPort(InetSocketAddress a) {
        return a == null ? "-" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static InetAddress inet(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static byte[] bytes(ByteBuf b) {
        byte[] out = new byte[b.readableBytes()];
        b.getBytes(b.readerIndex(), out);
        return out;
    }

    private static byte[] bytes(ByteBuf b, int at) {
        byte[] out = new byte[16];
        b.getBytes(at, out);
        return out;
    }

    @Override
    public void close() {
        running = false;
        qualification = new Qualification(State.STOPPED, qualification.nat(), null, null, "stopped");
        if (timer != null) {
            timer.shutdownNow();
        }
        Pending p = pending;
        if (p != null) {
            p.answer().completeExceptionally(new IOException("stopped"));
        }
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
