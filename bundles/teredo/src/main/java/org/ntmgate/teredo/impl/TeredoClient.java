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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.LongAdder;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.teredo.impl.ClientRules.Advert;
import org.ntmgate.teredo.impl.ClientRules.NatType;
import org.ntmgate.role.Threads;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.role.TunReader;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.role.RoleEngine;
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
final class TeredoClient implements RoleEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TeredoClient.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final int MTU = 1280;
    /** 5.2.1: solicitations are retransmitted; we wait this long for each answer. */
    static final Duration ANSWER_WAIT = Duration.ofSeconds(2);
    static final int SOLICITATIONS = 3;
    /** Refreshes without an answer (each of {@link #SOLICITATIONS} solicitations) before the client qualifies again. */
    static final int REFRESH_TRIES = 3;

    enum State {
        QUALIFYING, QUALIFIED, NO_SERVER, SYMMETRIC_NAT, STOPPED
    }

    /** What qualification found; replaced as a whole. */
    record Qualification(State state, NatType nat, TeredoAddress address, InetSocketAddress mapped, String why) {
    }

    private final InetSocketAddress server;
    private final InetSocketAddress secondary;
    private final InetSocketAddress bind;
    private final String tunName;
    private final Duration refresh;
    private final int routeMetric;
    private final boolean refuseSymmetricNat;
    /** Whether the NAT was seen to hairpin at the last qualification ({@link #hairpinCheck}); null: not known or no NAT. */
    private volatile Boolean hairpins;
    private final LongAdder mappingChanges = new LongAdder();
    private final ClientLink link;
    private final TeredoPeers peers;
    private volatile Qualification qualification;
    /** Refreshes in a row the server did not answer; at {@link #REFRESH_TRIES} the client qualifies again. */
    private int silentRefreshes;
    private int randomBits;
    private InetSocketAddress randomFor;
    private TeredoAddress lastQualified;
    private volatile boolean running = true;
    private boolean routed;
    private UdpServer udp;
    private TunDevice tun;
    private TunReader reader;
    private ScheduledExecutorService timer;

    TeredoClient(TeredoClientSettings s) {
        this(s.server(), s.secondary(), s.bind(), s.tunName(), s.refresh(), s.routeMetric(), s.refuseSymmetricNat(), s.hairpinning());
    }

    TeredoClient(InetSocketAddress server, InetSocketAddress secondary, InetSocketAddress bind, String tunName, Duration refresh, int routeMetric,
            boolean refuseSymmetricNat, boolean hairpinning) {
        this.refuseSymmetricNat = refuseSymmetricNat;
        this.link = new ClientLink(server, secondary, hairpinning);
        this.peers = new TeredoPeers(link);
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
        TunQueue queue = tun.queue(0);
        link.queue = queue;
        udp = UdpServer.bind(bind, new FromPeers(link, peers));
        link.local = localTowardsServer(udp.localAddress());
        reader = TunReader.start("Teredo client", tunName, queue, new DatagramBatch(udp), peers, "ntmgate-teredo-client-tun");
        // two threads: qualification and refresh wait for advertisements (seconds, when they are lost on a loaded or
        // flooded socket), and the peers' once-a-second upkeep (retries, idle peers) must not wait behind them
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "ntmgate-teredo-client");
            t.setDaemon(true);
            return t;
        });
        timer.execute(this::qualify);
        timer.scheduleWithFixedDelay(peers::maintain, 1, 1, TimeUnit.SECONDS);
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

    /** A step of the client's state machine on its timer thread. */
    private interface Step {
        void run() throws Exception;
    }

    /** Runs {@code body}; if it fails, logs why and runs {@code retry} one refresh interval later. */
    private void step(String what, Step body, Runnable retry) {
        try {
            body.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.error("Teredo client: {} failed", what, e);
            timer.schedule(retry, refresh.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void qualify() {
        step("qualification", this::qualifyOnce, this::qualify);
    }

    private void qualifyOnce() throws Exception {
        if (!running) {
            return;
        }
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
        NatType nat = ClientRules.verdict(link.local, primary.mapped(), other == null ? null : other.mapped(), coneAnswered);
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
        if (clientMapping.getAddress().equals(link.local.getAddress())) {
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
        step("refresh", this::refreshOnce, this::refresh);
    }

    private void refreshOnce() throws Exception {
        if (!running) {
            return;
        }
        Qualification q = qualification;
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
    }

    /** Sends up to {@code tries} solicitations to {@code to}; the advertisement that answers one, or null. */
    private Advert solicit(InetSocketAddress to, boolean cone, int tries) throws InterruptedException {
        for (int i = 0; i < tries && running; i++) {
            long nonce = RANDOM.nextLong();
            ClientLink.Pending p = new ClientLink.Pending(nonce, new CompletableFuture<>());
            link.pending = p;
            link.send(ClientRules.routerSolicitation(cone, nonce), to);
            try {
                return p.answer().get(ANSWER_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // retransmit
            } catch (ExecutionException e) {
                return null;
            } finally {
                link.pending = null;
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
        link.ourAddress = address.toBytes();
        link.mapped = mapped;
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
        link.ourAddress = null;
        link.mapped = null;
        qualification = new Qualification(state, nat, null, null, why);
        if (state == State.SYMMETRIC_NAT || state == State.NO_SERVER) {
            LOG.warn("Teredo client not qualified: {}", why);
        }
    }

    // ---- status ----------------------------------------------------------------------------------------------

    Qualification qualification() {
        return qualification;
    }

    Map<ClientLink.Drop, Long> drops() {
        return link.drops.snapshot();
    }

    @Override
    public String status() {
        Qualification q = qualification;
        return q.state().name().toLowerCase() + (q.address() != null ? " as " + AddressFormat.format(q.address().toBytes()) + " (mapped " + hostPort(q.mapped()) + ")" : "")
                + "; server " + hostPort(server) + "/" + secondary.getAddress().getHostAddress() + "; NAT " + q.nat().name().toLowerCase() + ": " + q.why()
                + "; socket " + (udp == null ? "-" : hostPort(udp.localAddress())) + ", device " + tunName + "; to peers " + peers.toPeers.sum()
                + ", from peers " + peers.fromPeers.sum() + ", bubbles " + peers.bubblesSent.sum() + ", mapping changes " + mappingChanges.sum() + ", peers "
                + peers.size() + "; dropped: " + link.drops + "; TUN " + (link.queue == null ? "not open" : link.queue.offloadSummary());
    }

    /** The state for the console: qualification, NAT as a NAT check reports it, peers. */
    org.ntmgate.api.teredo.TeredoClientState view() {
        Qualification q = qualification;
        java.util.List<org.ntmgate.api.teredo.TeredoClientState.Peer> ps = new java.util.ArrayList<>();
        int byLocal = 0;
        for (TeredoPeer p : peers.all()) {
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
        return new org.ntmgate.api.teredo.TeredoClientState(q.state().name().toLowerCase(), q.nat().name().toLowerCase(), varies, hairpins, link.hairpinning,
                byLocal, q.address() == null ? null : AddressFormat.format(q.address().toBytes()), q.mapped() == null ? null : hostPort(q.mapped()),
                hostPort(server) + " / " + secondary.getAddress().getHostAddress(), q.why(), ps);
    }

    @Override
    public org.ntmgate.api.health.RoleCounters counters() {
        return new org.ntmgate.api.health.RoleCounters(java.util.Map.of("to_peers", peers.toPeers.sum(), "from_peers", peers.fromPeers.sum()), java.util.Map.of(),
                org.ntmgate.api.health.RoleCounters.byName(link.drops.snapshot()));
    }

    /** One line per peer: its address, where it is reached (its mapping, or the relay for a native host), when last heard. */
    String peers() {
        long now = System.currentTimeMillis();
        StringBuilder b = new StringBuilder();
        for (TeredoPeer p : peers.all()) {
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

    @Override
    public void close() {
        running = false;
        qualification = new Qualification(State.STOPPED, qualification.nat(), null, null, "stopped");
        if (timer != null) {
            timer.shutdownNow();
        }
        ClientLink.Pending p = link.pending;
        if (p != null) {
            p.answer().completeExceptionally(new IOException("stopped"));
        }
        Threads.close(reader, udp, tun);
    }
}
