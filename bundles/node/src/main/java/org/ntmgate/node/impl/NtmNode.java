package org.ntmgate.node.impl;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import org.ntmgate.api.fallback.Ipv6Fallback;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.role.Threads;
import org.ntmgate.role.TunReader;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.ErrorCodeFailure;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.NodeKey;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.SignallingDecoder;
import org.ntmgate.wire.UdpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running NTM node (protocol.md 4, 7.1-7.3, 7.8-7.11, 11): one UDP socket for everything it sends (1.4), login
 * and registration, keep-alive and re-registration when its NAT mapping changes, directions for names and tunnels to
 * the RS-N, and whether new names go through NTMobile or the fallback (11.5). The packets themselves are the
 * handlers': the socket's pipeline {@link FromTunnel} (DATA to the TUN device) then {@link NodeSignalling}, the TUN
 * reader's {@link ToTunnel}; requests and their answers are {@link NodeExchange}'s, the paths {@link NodeTunnels}'.
 */
final class NtmNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NtmNode.class);
    static final Duration KEEPALIVE = Duration.ofSeconds(25);
    static final int DEFAULT_INNER_MTU = 1400;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What login and registration gave this node. */
    record Session(long nodeId, MacKey kNd, byte[] kNdBytes, byte[] ticket, long renewAt, InetAddress virtualV6, InetAddress virtualV4,
            InetSocketAddress observed) {
    }

    private final NodeSettings settings;
    private final NodeTunnels tunnels = new NodeTunnels();
    private final NodeCounters counters = new NodeCounters();
    private final NodeExchange exchange;
    private final FromTunnel fromTunnel;
    private final Map<String, CompletableFuture<NodePath>> resolving = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer;
    /** The node's one UDP socket (1.4): received on its event loop, DATA sent in GSO batches (15.7). */
    private final UdpServer udp;
    private volatile boolean running = true;
    private volatile Session session;
    private volatile String state = "starting";
    private TunDevice tun;
    private volatile TunQueue queue;
    /** Gateway mode (11.4): null when off. */
    private volatile LanTranslator lan;
    private TunReader tunReader;
    private ScheduledFuture<?> keepalive;
    /** The IPv4 pool (11.6.1): null when the IPv4 service is off. */
    private final VirtualIpv4 ipv4Pool;
    /** The IPv4 service on the data path once the TUN device carries VIRTUAL_V4 (11.3), else null. */
    private volatile Ipv4Service ipv4;

    NtmNode(NodeSettings settings) throws IOException {
        this.settings = settings;
        this.ipv4Pool = settings.ipv4() ? new VirtualIpv4(settings.ipv4Pool()) : null;
        this.exchange = new NodeExchange(settings.dc(), new NodeExchange.Reachability() {
            @Override
            public void answered() {
                dcAnswered();
            }

            @Override
            public void silent(String why) {
                dcSilent(why);
            }
        });
        this.fromTunnel = new FromTunnel(tunnels, counters);
        NodeSignalling signalling = new NodeSignalling(exchange, tunnels, counters, () -> session);
        // any free port; 4 MB socket buffers (room for the RS-N's batches); UDP GRO: an RS-N batch in one read (15.7)
        try {
            udp = UdpServer.bind(new InetSocketAddress(0), pipeline(fromTunnel, exchange, signalling, counters), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the node's UDP socket", e);
        }
        exchange.bind(udp);
        timer = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "ntmgate-node-timer");
            t.setDaemon(true);
            return t;
        });
    }

    // ---- 11.5: the path in use, NTMobile or the fallback ---------------------------------------------------------

    private volatile Ipv6Fallback fallback;
    private volatile boolean dcReachable;
    private volatile boolean dcEverAnswered;
    private volatile String dcWhy = "no answer from the DC yet";

    /** The fallback to use while the DC cannot be reached (the Teredo client), or null. */
    void fallback(Ipv6Fallback f) {
        fallback = f;
    }

    /** 11.5: names resolve to their real addresses (routed by the fallback) instead of through NTMobile. */
    boolean useFallback() {
        Ipv6Fallback f = fallback;
        return !dcReachable && f != null && f.usable();
    }

    /** Which path new names get, and why, in one line (node:status, logs). */
    String pathInUse() {
        Ipv6Fallback f = fallback;
        if (dcReachable) {
            return "NTMobile (" + dcWhy + ")";
        }
        if (f != null && f.usable()) {
            return "fallback: " + f.describe() + " (NTMobile unavailable: " + dcWhy + ")";
        }
        return "none: NTMobile unavailable (" + dcWhy + ") and no usable fallback (" + (f == null ? "no fallback configured" : f.describe()) + ")";
    }

    /** The DC answered: NTMobile is the path (logged when it comes back, not at the first answer). */
    private void dcAnswered() {
        boolean back = !dcReachable && dcEverAnswered;
        dcWhy = "the DC at " + settings.dc() + " answers";
        dcReachable = true;
        dcEverAnswered = true;
        if (back) {
            LOG.info("NTM node: the DC answers again: names resolve through NTMobile (11.5)");
        }
    }

    /** A request to the DC went unanswered after all its tries: the fallback's turn, if there is one. */
    private void dcSilent(String why) {
        boolean was = dcReachable;
        dcWhy = why;
        dcReachable = false;
        if (was) {
            LOG.warn("NTM node: the DC cannot be reached ({}); new names: {} (11.5)", why, pathInUse());
        }
    }

    /** Starts the login, then keeps the node registered (retrying with backoff). */
    void start() {
        timer.execute(() -> connect(1));
    }

    private void connect(int attempt) {
        if (!running) {
            return;
        }
        try {
            Session s = login();
            s = register(s);
            session = s;
            openTun(s);
            state = "registered as " + settings.fqdn() + " (node " + Long.toHexString(s.nodeId()) + "), virtual " + s.virtualV6().getHostAddress()
                    + (s.virtualV4() == null ? "" : " and " + s.virtualV4().getHostAddress() + (ipv4 != null ? "" : " (leased, not on the TUN: the IPv4 service is off)"))
                    + ", seen as " + s.observed();
            LOG.info("NTM node {}", state);
            if (keepalive == null) {
                keepalive = timer.scheduleWithFixedDelay(this::keepalive, KEEPALIVE.toMillis(), KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (Exception e) {
            long delay = Math.min(60, 1L << Math.min(attempt, 6));
            state = "not registered: " + e.getMessage() + " (retry in " + delay + " s)";
            LOG.warn("NTM node {}", state);
            timer.schedule(() -> connect(attempt + 1), delay, TimeUnit.SECONDS);
        }
    }

    /**
     * The node's UDP pipeline: DATA to the TUN device, LOGIN_CHALLENGEs (keyed by the password, 4.3), the signalling
     * decoder (keys, MACs, replays, held acknowledgements sent again), then the node's signalling.
     */
    static ChannelInitializer<Channel> pipeline(FromTunnel fromTunnel, NodeExchange exchange, NodeSignalling signalling, NodeCounters counters) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.pipeline().addLast(fromTunnel, exchange.challenges(counters::drop),
                        new SignallingDecoder(signalling::key, counters::drop, exchange.held(), System::currentTimeMillis), signalling);
            }
        };
    }

    // ---- login and registration (4, 7.1-7.3) ----------------------------------------------------------------

    private Session login() throws Exception {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        int tx = RANDOM.nextInt();
        NodeExchange.Answer first = exchange.exchange(Message.builder(MessageType.LOGIN_REQUEST).transactionId(tx).fqdn(settings.fqdn()).tlv(TlvType.NONCE, nonce),
                null, settings.as(), null);
        Message challenge = first.message();
        if (challenge.type() == MessageType.ERROR) {
            throw new LoginRefused("login refused by the AS: " + NodeExchange.errorText(challenge));
        }
        ByteBuffer kdf = ByteBuffer.wrap(challenge.bytes(TlvType.KDF_PARAMS));
        int iterations = kdf.getInt();
        byte[] salt = new byte[kdf.get() & 0xFF];
        kdf.get(salt);
        byte[] kNode = NodeKey.derive(settings.password(), salt, iterations);
        MacKey key = new MacKey(challenge.keyId(), kNode);
        if (!exchange.codec().verifies(Unpooled.wrappedBuffer(first.raw()), key)) {
            throw new LoginRefused("the AS's challenge does not verify with this password: wrong password, unknown or revoked account, or not our AS");
        }
        Message response = exchange.request(Message.builder(MessageType.LOGIN_PROOF).transactionId(tx).tlv(TlvType.NONCE, challenge.bytes(TlvType.NONCE)), key,
                settings.as(), key);
        if (response.type() == MessageType.ERROR) {
            throw new LoginRefused("login refused by the AS: " + NodeExchange.errorText(response));
        }
        KeySealer.SealedKey kNd = KeySealer.open(kNode, response);
        long lifetime = response.u32(TlvType.LIFETIME);
        return new Session(response.u64(TlvType.NODE_ID), new MacKey(kNd.keyId(), kNd.key()), kNd.key(), response.bytes(TlvType.TICKET),
                System.currentTimeMillis() + lifetime * 800, null, null, null); // renewed at 80% (6.5)
    }

    private Session register(Session s) throws Exception {
        InetSocketAddress local = udp.localAddress();
        Message r = exchange.request(Message.builder(MessageType.REGISTER_REQUEST).transactionId(RANDOM.nextInt()).tlv(TlvType.TICKET, s.ticket())
                .fqdn(settings.fqdn()).endpoint(TlvType.ENDPOINT, localAddressTowards(settings.dc()), local.getPort()), s.kNd(), settings.dc(), s.kNd());
        if (r.type() == MessageType.ERROR) {
            throw new LoginRefused("registration refused by the DC: " + NodeExchange.errorText(r));
        }
        return new Session(r.u64(TlvType.NODE_ID), s.kNd(), s.kNdBytes(), s.ticket(), s.renewAt(), r.address(TlvType.VIRTUAL_V6),
                r.address(TlvType.VIRTUAL_V4), r.endpoint(TlvType.OBSERVED_ENDPOINT));
    }

    /** The source address this host uses towards {@code to} (what ENDPOINT reports, 7.1). */
    private static InetAddress localAddressTowards(InetSocketAddress to) throws IOException {
        try (DatagramChannel probe = DatagramChannel.open()) {
            probe.connect(to);
            return ((InetSocketAddress) probe.getLocalAddress()).getAddress();
        }
    }

    /** 7.2, 7.3: keep the mapping alive; a changed observed endpoint (the NAT rebound) means register again and re-tunnel. */
    private void keepalive() {
        Session s = session;
        if (s == null) {
            return;
        }
        try {
            if (System.currentTimeMillis() > s.renewAt()) {
                LOG.info("NTM node: ticket expires soon; logging in again (6.5)");
                Session fresh = register(login());
                session = fresh;
                retunnel("a new ticket");
                return;
            }
            Message ack = exchange.request(Message.builder(MessageType.KEEPALIVE).transactionId(RANDOM.nextInt()).id(s.nodeId()), s.kNd(), settings.dc(), s.kNd());
            if (ack.type() == MessageType.ERROR) {
                boolean relogin = ack.u16(TlvType.ERROR_CODE) == ErrorCode.TICKET_INVALID; // 4.7: the account was revoked or re-keyed
                LOG.warn("NTM node: keep-alive refused ({}); {}", NodeExchange.errorText(ack), relogin ? "logging in again (4.7)" : "registering again");
                session = relogin ? register(login()) : register(s);
                retunnel("registered again");
                return;
            }
            InetSocketAddress observed = ack.endpoint(TlvType.OBSERVED_ENDPOINT);
            if (!observed.equals(s.observed())) {
                LOG.info("NTM node: the DC now sees this node at {} (was {}): the NAT mapping changed; registering again (7.3)", observed, s.observed());
                session = register(s);
                retunnel("the NAT mapping changed");
            }
        } catch (LoginRefused e) {
            session = null; // protocol.md 4.7: the account was revoked (or its password changed): no longer registered
            state = "not registered: " + e.getMessage();
            LOG.warn("NTM node {}; retrying with backoff", state);
            timer.schedule(() -> connect(1), 2, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("NTM node: keep-alive failed: {}", e.getMessage());
        }
    }

    /** The AS or the DC refused this node (not a lost datagram): retrying the same request would not help. */
    static final class LoginRefused extends IOException {
        private static final long serialVersionUID = 1L;

        LoginRefused(String message) {
            super(message);
        }
    }

    /** 7.3: TUNNEL_REQUEST again on every path, same path ids. */
    private void retunnel(String why) {
        for (NodePath p : tunnels.all()) {
            try {
                tunnel(p);
                LOG.info("NTM node: path {} to {} tunnels again ({})", Long.toHexString(p.pathId), p.name, why);
            } catch (Exception e) {
                LOG.warn("NTM node: path {} to {} could not tunnel again: {}", Long.toHexString(p.pathId), p.name, e.getMessage());
            }
        }
    }

    // ---- directions and tunnels (7.4, 7.8, 7.9) ---------------------------------------------------------------

    /**
     * The path to {@code name}, asked for when there is none (one request per name at a time, 11.2); completes once
     * the tunnel is up (11.1).
     */
    CompletableFuture<NodePath> pathTo(String name) {
        NodePath p = tunnels.byName(name);
        if (p != null && p.expiresMillis > System.currentTimeMillis()) {
            return CompletableFuture.completedFuture(p);
        }
        return resolving.computeIfAbsent(name, n -> {
            CompletableFuture<NodePath> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return direction(n);
                } catch (ErrorCodeFailure e) {
                    throw new CompletionException(e);
                } catch (Exception e) {
                    throw new CompletionException(new ErrorCodeFailure(0, e.getMessage()));
                }
            }, timer);
            f.whenComplete((r, e) -> resolving.remove(n));
            return f;
        });
    }

    private NodePath direction(String name) throws Exception {
        Session s = session;
        if (s == null) {
            throw new ErrorCodeFailure(0, "not registered: " + state);
        }
        int tx = RANDOM.nextInt();
        long t0 = System.nanoTime();
        Message route = exchange.request(Message.builder(MessageType.DIRECTION_REQUEST).transactionId(tx).id(s.nodeId()).fqdn(name)
                .u8(TlvType.ADDRESS_FAMILY, 6), s.kNd(), settings.dc(), s.kNd());
        if (route.type() == MessageType.ERROR) {
            throw new ErrorCodeFailure(route.u16(TlvType.ERROR_CODE), NodeExchange.errorText(route));
        }
        if (route.type() != MessageType.ROUTE_DIRECTION) {
            throw new ErrorCodeFailure(0, "the DC answered " + route.type());
        }
        KeySealer.SealedKey k = KeySealer.open(s.kNdBytes(), route);
        int mtu = route.tlv(TlvType.INNER_MTU).isPresent() ? route.u16(TlvType.INNER_MTU) : DEFAULT_INNER_MTU;
        byte[] peer = route.address(TlvType.PEER_VIRTUAL).getAddress();
        NodePath p = new NodePath(route.id(), name, peer, k.key(), k.keyId(), k.lifetimeSeconds(), route.endpoint(TlvType.ENDPOINT), mtu,
                System.currentTimeMillis());
        exchange.answer(route, Message.builder(MessageType.ROUTE_DIRECTION_ACK).transactionId(route.transactionId()).id(route.id()).u8(TlvType.STATUS, 0), s.kNd(),
                settings.dc()); // held: a retransmitted ROUTE_DIRECTION gets it again (8.2)
        long t1 = System.nanoTime();
        tunnel(p);
        long t2 = System.nanoTime();
        tunnels.add(p);
        LOG.info("NTM node: {} is {} through path {} via {} (direction {} ms, tunnel {} ms)", name, p.peer().getHostAddress(),
                Long.toHexString(p.pathId), p.endpoint, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        return p;
    }

    private void tunnel(NodePath p) throws Exception {
        Session s = session;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        Message r = exchange.request(Message.builder(MessageType.TUNNEL_REQUEST).transactionId(RANDOM.nextInt()).id(p.pathId).u64(TlvType.NODE_ID, s.nodeId())
                .tlv(TlvType.VIRTUAL_V6, s.virtualV6().getAddress()).tlv(TlvType.NONCE, nonce), p.signalling, p.endpoint, p.signalling);
        if (r.type() == MessageType.ERROR) {
            throw new ErrorCodeFailure(r.u16(TlvType.ERROR_CODE), "tunnel refused: " + NodeExchange.errorText(r));
        }
        if (r.u8(TlvType.STATUS) != 0 || !Arrays.equals(nonce, r.bytes(TlvType.NONCE))) {
            throw new ErrorCodeFailure(ErrorCode.INTERNAL, "tunnel answer with status " + r.u8(TlvType.STATUS) + " or another nonce");
        }
    }

    // ---- the TUN device (11.3) ---------------------------------------------------------------------------

    private synchronized void openTun(Session s) throws TunException {
        if (tun != null) {
            return;
        }
        byte[] self = s.virtualV6().getAddress();
        boolean v4 = ipv4Pool != null && s.virtualV4() != null;
        if (settings.lanPrefix() != null || v4) {
            lan = new LanTranslator(settings.lanPrefix(), self, settings.lanFirstPort(), settings.lanLastPort());
            timer.scheduleWithFixedDelay(() -> lan.expire(System.currentTimeMillis()), 30, 30, TimeUnit.SECONDS);
        }
        if (settings.lanPrefix() != null) {
            forwarding("/proc/sys/net/ipv6/conf/all/forwarding", "IPv6");
            LOG.info("NTM node: gateway mode for LAN {} (its flows leave as {} ports {}-{})", settings.lanPrefix(), s.virtualV6().getHostAddress(),
                    settings.lanFirstPort(), settings.lanLastPort());
        }
        tun = TunDevice.open(settings.tunName(), 1, true); // 15.7: the stack's super-packets are read as segments
        tun.addAddress(s.virtualV6(), settings.virtualPrefix().length());
        tun.up(DEFAULT_INNER_MTU);
        if (v4) {
            try {
                ipv4 = Ipv4Service.open(tun, ipv4Pool, lan, s.virtualV4(), settings.lanPrefix4());
                if (settings.lanPrefix4() != null) {
                    forwarding("/proc/sys/net/ipv4/ip_forward", "IPv4");
                }
            } catch (TunException e) { // IPv6 goes on: the device is open and carries it
                LOG.error("NTM node: the IPv4 service is off: {}", e.getMessage());
            }
        } else if (ipv4Pool != null) {
            LOG.warn("NTM node: the IPv4 service is off: the DC leased this node no VIRTUAL_V4 (its NODE IPv4 pool)");
        }
        queue = tun.queue(0);
        FromTunnel.Link link = new FromTunnel.Link(queue, lan, s.virtualV6().getAddress(), ipv4);
        fromTunnel.open(link);
        tunReader = TunReader.start("NTM node", settings.tunName(), queue, new DatagramBatch(udp), new ToTunnel(tunnels, counters, link), "ntmgate-node-tun");
        LOG.info("NTM node: {} carries {}/{} (MTU {})", settings.tunName(), s.virtualV6().getHostAddress(), settings.virtualPrefix().length(),
                DEFAULT_INNER_MTU);
    }

    /** Gateway mode: the host forwards between the LAN and the TUN device. */
    private static void forwarding(String knob, String family) {
        try {
            Files.writeString(java.nio.file.Path.of(knob), "1");
        } catch (IOException e) {
            LOG.error("NTM node: gateway mode needs {} forwarding and it could not be switched on: {}", family, e.toString());
        }
    }

    // ---- the IPv4 service (11.6) ------------------------------------------------------------------------

    /** The translation table the IPv4 pool's mappings live in (null: gone). */
    void table(org.ntmgate.api.table.TranslationTable t) {
        if (ipv4Pool != null) {
            ipv4Pool.table(t);
        }
    }

    /** 11.2.1: the virtual IPv4 address standing for {@code p}'s peer, or null when the IPv4 service is off. */
    InetAddress ipv4For(NodePath p) {
        Session s = session;
        if (ipv4 == null || s == null) {
            return null;
        }
        return ipv4Pool.map(p.peerVirtual, org.ntmgate.api.table.EntryOwner.of(s.nodeId(), p.pathId));
    }

    /** node:status: the IPv4 service in one line. */
    String ipv4Summary() {
        if (ipv4Pool == null) {
            return "IPv4 service off";
        }
        if (ipv4 == null) {
            return "IPv4 service not started (" + (session == null ? "not registered" : "no VIRTUAL_V4 leased") + ")";
        }
        return "IPv4 pool " + ipv4Pool.pool() + ": " + ipv4Pool.mappings() + " mapping(s)" + (ipv4Pool.hasTable() ? "" : ", no translation table service");
    }

    int lanMappings() {
        LanTranslator t = lan;
        return t == null ? -1 : t.mappings();
    }

    // ---- views ------------------------------------------------------------------------------------------

    String state() {
        return state;
    }

    boolean registered() {
        return session != null;
    }

    List<NodePath> paths() {
        return tunnels.all();
    }

    long locals() {
        return counters.locals();
    }

    Map<NodeCounters.Drop, Long> drops() {
        return counters.drops();
    }

    String offloadSummary() {
        TunQueue q = queue;
        return q == null ? "not open" : q.offloadSummary();
    }

    RoleCounters counters() {
        return counters.snapshot();
    }

    long packetsSent() {
        return counters.packets(NodeCounters.SENT);
    }

    long packetsReceived() {
        return counters.packets(NodeCounters.RECEIVED);
    }

    NodeSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        running = false;
        timer.shutdownNow();
        Threads.close(tunReader, udp);
        synchronized (this) {
            Threads.close(tun);
        }
    }

    static boolean isV6(InetAddress a) {
        return a instanceof Inet6Address;
    }
}
