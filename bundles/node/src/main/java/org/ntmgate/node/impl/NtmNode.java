package org.ntmgate.node.impl;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.fallback.Ipv6Fallback;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.DatagramBatch;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.TrafficCounters;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.PathCipher;
import org.ntmgate.wire.ReplayWindow;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NTM node (protocol.md 4, 7.1-7.3, 7.8-7.11, 11): one UDP socket for everything it sends (1.4), login and
 * registration, keep-alive and re-registration when its NAT mapping changes, directions for names, tunnels to the
 * RS-N, and packets between its TUN device and those tunnels.
 */
final class NtmNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NtmNode.class);
    static final Duration KEEPALIVE = Duration.ofSeconds(25);
    static final int DEFAULT_INNER_MTU = 1400;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Why a packet was dropped. */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, NO_PATH, TOO_BIG, TUN_WRITE, UNEXPECTED, WRONG_SOURCE, LAN_UNMAPPED
    }

    /** A failed direction: the protocol's error code (9.1), or 0 when nothing answered. */
    static final class DirectionFailure extends Exception {
        final int code;

        DirectionFailure(int code, String text) {
            super(text, null, false, false);
            this.code = code;
        }
    }

    /** A live tunnel to a peer (7.9). */
    static final class NodePath {
        final long pathId;
        final String name;
        final byte[] peerVirtual;
        final PathCipher cipher;
        final MacKey signalling;
        final int innerMtu;
        final long expiresMillis;
        volatile InetSocketAddress endpoint;

        NodePath(long pathId, String name, byte[] peerVirtual, byte[] key, int keyId, long lifetimeSeconds, InetSocketAddress endpoint, int innerMtu,
                long now) {
            this.pathId = pathId;
            this.name = name;
            this.peerVirtual = peerVirtual;
            this.cipher = new PathCipher(key, pathId, true, 0);
            this.signalling = PathCipher.signallingKey(key, pathId, keyId);
            this.endpoint = endpoint;
            this.innerMtu = innerMtu;
            this.expiresMillis = now + lifetimeSeconds * 1000;
        }

        InetAddress peer() {
            try {
                return InetAddress.getByAddress(peerVirtual);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private final NodeSettings settings;
    private final MessageCodec codec = new MessageCodec();
    private final AtomicLong sequence = new AtomicLong(System.currentTimeMillis() * 1000);
    private final Map<Integer, Pending> pending = new ConcurrentHashMap<>();
    private final Map<Integer, ReplayWindow> windows = new ConcurrentHashMap<>();
    private final Map<Long, NodePath> byId = new ConcurrentHashMap<>();
    private final Map<String, NodePath> byName = new ConcurrentHashMap<>();
    private final Map<ByteBuffer, NodePath> byPeer = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<NodePath>> resolving = new ConcurrentHashMap<>();
    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    /** Packets and bytes through the tunnels: 0 sent from this host and its LAN, 1 received for them (README, "Counters"). */
    private final TrafficCounters traffic = new TrafficCounters("sent", "received");
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
    private volatile byte[] self;
    private Thread tunReader;
    private ScheduledFuture<?> keepalive;

    /** What login and registration gave this node. */
    record Session(long nodeId, MacKey kNd, byte[] kNdBytes, byte[] ticket, long renewAt, InetAddress virtualV6, InetAddress virtualV4,
            InetSocketAddress observed) {
    }

    /** An answer, with its bytes for a MAC checked after reading it (the login challenge, 4.3). */
    private record Answer(Message message, byte[] raw) {
    }

    private record Pending(CompletableFuture<Answer> answer, MacKey key) {
    }

    NtmNode(NodeSettings settings) throws IOException {
        this.settings = settings;
        // any free port; 4 MB socket buffers (room for the RS-N's batches); UDP GRO: an RS-N batch in one read (15.7)
        try {
            udp = UdpServer.bind(new InetSocketAddress(0), new Handler(), true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while binding the node's UDP socket", e);
        }
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

    // ---- login and registration (4, 7.1-7.3) ----------------------------------------------------------------

    private Session login() throws Exception {
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        int tx = RANDOM.nextInt();
        Answer first = exchange(Message.builder(MessageType.LOGIN_REQUEST).transactionId(tx).fqdn(settings.fqdn()).tlv(TlvType.NONCE, nonce),
                null, settings.as(), null);
        Message challenge = first.message();
        if (challenge.type() == MessageType.ERROR) {
            throw new LoginRefused("login refused by the AS: " + errorText(challenge));
        }
        ByteBuffer kdf = ByteBuffer.wrap(challenge.bytes(TlvType.KDF_PARAMS));
        int iterations = kdf.getInt();
        byte[] salt = new byte[kdf.get() & 0xFF];
        kdf.get(salt);
        byte[] kNode = org.ntmgate.wire.NodeKey.derive(settings.password(), salt, iterations);
        MacKey key = new MacKey(challenge.keyId(), kNode);
        if (!codec.verifies(Unpooled.wrappedBuffer(first.raw()), key)) {
            throw new LoginRefused("the AS's challenge does not verify with this password: wrong password, unknown or revoked account, or not our AS");
        }
        Message response = request(Message.builder(MessageType.LOGIN_PROOF).transactionId(tx).tlv(TlvType.NONCE, challenge.bytes(TlvType.NONCE)), key,
                settings.as(), key);
        if (response.type() == MessageType.ERROR) {
            throw new LoginRefused("login refused by the AS: " + errorText(response));
        }
        KeySealer.SealedKey kNd = KeySealer.open(kNode, response);
        long lifetime = response.u32(TlvType.LIFETIME);
        return new Session(response.u64(TlvType.NODE_ID), new MacKey(kNd.keyId(), kNd.key()), kNd.key(), response.bytes(TlvType.TICKET),
                System.currentTimeMillis() + lifetime * 800, null, null, null); // renewed at 80% (6.5)
    }

    private Session register(Session s) throws Exception {
        InetSocketAddress local = udp.localAddress();
        Message r = request(Message.builder(MessageType.REGISTER_REQUEST).transactionId(RANDOM.nextInt()).tlv(TlvType.TICKET, s.ticket())
                .fqdn(settings.fqdn()).endpoint(TlvType.ENDPOINT, localAddressTowards(settings.dc()), local.getPort()), s.kNd(), settings.dc(), s.kNd());
        if (r.type() == MessageType.ERROR) {
            throw new LoginRefused("registration refused by the DC: " + errorText(r));
        }
        return new Session(r.u64(TlvType.NODE_ID), s.kNd(), s.kNdBytes(), s.ticket(), s.renewAt(), r.address(TlvType.VIRTUAL_V6),
                r.address(TlvType.VIRTUAL_V4), r.endpoint(TlvType.OBSERVED_ENDPOINT));
    }

    /** The source address this host uses towards {@code to} (what ENDPOINT reports, 7.1). */
    private static InetAddress localAddressTowards(InetSocketAddress to) throws IOException {
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open()) {
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
            Message ack = request(Message.builder(MessageType.KEEPALIVE).transactionId(RANDOM.nextInt()).id(s.nodeId()), s.kNd(), settings.dc(), s.kNd());
            if (ack.type() == MessageType.ERROR) {
                boolean relogin = ack.u16(TlvType.ERROR_CODE) == ErrorCode.TICKET_INVALID; // 4.7: the account was revoked or re-keyed
                LOG.warn("NTM node: keep-alive refused ({}); {}", errorText(ack), relogin ? "logging in again (4.7)" : "registering again");
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
        for (NodePath p : byId.values()) {
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
        NodePath p = byName.get(name);
        if (p != null && p.expiresMillis > System.currentTimeMillis()) {
            return CompletableFuture.completedFuture(p);
        }
        return resolving.computeIfAbsent(name, n -> {
            CompletableFuture<NodePath> f = CompletableFuture.supplyAsync(() -> {
                try {
                    return direction(n);
                } catch (DirectionFailure e) {
                    throw new java.util.concurrent.CompletionException(e);
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(new DirectionFailure(0, e.getMessage()));
                }
            }, timer);
            f.whenComplete((r, e) -> resolving.remove(n));
            return f;
        });
    }

    private NodePath direction(String name) throws Exception {
        Session s = session;
        if (s == null) {
            throw new DirectionFailure(0, "not registered: " + state);
        }
        int tx = RANDOM.nextInt();
        long t0 = System.nanoTime();
        Message route = request(Message.builder(MessageType.DIRECTION_REQUEST).transactionId(tx).id(s.nodeId()).fqdn(name)
                .u8(TlvType.ADDRESS_FAMILY, 6), s.kNd(), settings.dc(), s.kNd());
        if (route.type() == MessageType.ERROR) {
            throw new DirectionFailure(route.u16(TlvType.ERROR_CODE), errorText(route));
        }
        if (route.type() != MessageType.ROUTE_DIRECTION) {
            throw new DirectionFailure(0, "the DC answered " + route.type());
        }
        KeySealer.SealedKey k = KeySealer.open(s.kNdBytes(), route);
        int mtu = route.tlv(TlvType.INNER_MTU).isPresent() ? route.u16(TlvType.INNER_MTU) : DEFAULT_INNER_MTU;
        byte[] peer = route.address(TlvType.PEER_VIRTUAL).getAddress();
        NodePath p = new NodePath(route.id(), name, peer, k.key(), k.keyId(), k.lifetimeSeconds(), route.endpoint(TlvType.ENDPOINT), mtu,
                System.currentTimeMillis());
        send(Message.builder(MessageType.ROUTE_DIRECTION_ACK).transactionId(route.transactionId()).id(route.id()).u8(TlvType.STATUS, 0), s.kNd(),
                settings.dc());
        long t1 = System.nanoTime();
        tunnel(p);
        long t2 = System.nanoTime();
        NodePath old = byId.put(p.pathId, p);
        if (old != null) {
            byPeer.remove(ByteBuffer.wrap(old.peerVirtual), old);
        }
        byName.put(name, p);
        byPeer.put(ByteBuffer.wrap(peer), p);
        LOG.info("NTM node: {} is {} through path {} via {} (direction {} ms, tunnel {} ms)", name, p.peer().getHostAddress(),
                Long.toHexString(p.pathId), p.endpoint, (t1 - t0) / 1_000_000, (t2 - t1) / 1_000_000);
        return p;
    }

    private void tunnel(NodePath p) throws Exception {
        Session s = session;
        byte[] nonce = new byte[16];
        RANDOM.nextBytes(nonce);
        Message r = request(Message.builder(MessageType.TUNNEL_REQUEST).transactionId(RANDOM.nextInt()).id(p.pathId).u64(TlvType.NODE_ID, s.nodeId())
                .tlv(TlvType.VIRTUAL_V6, s.virtualV6().getAddress()).tlv(TlvType.NONCE, nonce), p.signalling, p.endpoint, p.signalling);
        if (r.type() == MessageType.ERROR) {
            throw new DirectionFailure(r.u16(TlvType.ERROR_CODE), "tunnel refused: " + errorText(r));
        }
        if (r.u8(TlvType.STATUS) != 0 || !java.util.Arrays.equals(nonce, r.bytes(TlvType.NONCE))) {
            throw new DirectionFailure(ErrorCode.INTERNAL, "tunnel answer with status " + r.u8(TlvType.STATUS) + " or another nonce");
        }
    }

    // ---- requests and the socket (8.1, 8.2) -------------------------------------------------------------------

    /** Sends a request and waits for its answer, retransmitting the same bytes at 0.5, 1, 2, 4, 4 s (8.1). */
    private Message request(Message.Builder b, MacKey key, InetSocketAddress to, MacKey answerKey) throws Exception {
        return exchange(b, key, to, answerKey).message();
    }

    private Answer exchange(Message.Builder b, MacKey key, InetSocketAddress to, MacKey answerKey) throws Exception {
        Message m = b.sequence(sequence.incrementAndGet()).keyId(key == null ? 0 : key.id()).build();
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        pending.put(m.transactionId(), new Pending(answer, answerKey));
        try {
            byte[] bytes = encode(m, key);
            long timeout = 500;
            for (int attempt = 0; attempt < 5; attempt++) {
                udp.send(Unpooled.wrappedBuffer(bytes), to, true);
                try {
                    Answer a = answer.get(timeout, TimeUnit.MILLISECONDS);
                    if (to.equals(settings.dc())) {
                        dcAnswered();
                    }
                    return a;
                } catch (java.util.concurrent.TimeoutException e) {
                    timeout = Math.min(timeout * 2, 4000);
                }
            }
            String why = "no answer from " + to + " to " + m.type() + " after 5 tries";
            if (to.equals(settings.dc())) {
                dcSilent(why);
            }
            throw new IOException(why);
        } finally {
            pending.remove(m.transactionId());
        }
    }

    private void send(Message.Builder b, MacKey key, InetSocketAddress to) throws IOException {
        Message m = b.sequence(sequence.incrementAndGet()).keyId(key.id()).build();
        udp.send(Unpooled.wrappedBuffer(encode(m, key)), to, true);
    }

    private byte[] encode(Message m, MacKey key) {
        ByteBuf out = Unpooled.buffer(256);
        codec.encode(m, key, out);
        return ByteBufUtil.getBytes(out);
    }

    private static String errorText(Message error) {
        String text = error.tlv(TlvType.ERROR_TEXT).map(t -> new String(t.value(), java.nio.charset.StandardCharsets.UTF_8)).orElse("");
        int code = error.tlv(TlvType.ERROR_CODE).isPresent() ? error.u16(TlvType.ERROR_CODE) : 0;
        return ErrorCode.name(code) + (text.isEmpty() ? "" : ": " + text);
    }

    /** The socket's handler, on its event loop: DATA to the TUN device (joined per flow, 15.7), signalling to its waiters. */
    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final ByteBuffer tx = ByteBuffer.allocateDirect(65_536);
        private final ByteBuf inner = Unpooled.wrappedBuffer(tx);

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            TunQueue q = queue;
            if (q != null) {
                try {
                    q.flush();
                } catch (TunException e) {
                    drops.count(Drop.TUN_WRITE);
                }
            }
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf in = packet.content();
            InetSocketAddress from = packet.sender();
            try {
                if (in.readableBytes() < 2) {
                    drops.count(Drop.MALFORMED);
                } else if (in.getUnsignedByte(in.readerIndex() + 1) == MessageType.DATA) {
                    data(in, inner, tx, from);
                } else {
                    signalling(in, from);
                }
            } catch (WireDecodeException e) {
                drops.count(switch (e.reason()) {
                    case BAD_TAG -> Drop.BAD_TAG;
                    case REPLAY -> Drop.REPLAY;
                    case BAD_MAC -> Drop.BAD_MAC;
                    case UNKNOWN_PATH -> Drop.UNKNOWN_PATH;
                    default -> Drop.MALFORMED;
                });
            } catch (Exception e) {
                if (running) {
                    LOG.error("NTM node: a datagram failed inside the node", e);
                }
            }
        }
    }

    /** 7.11: open and hand the inner packet to the TUN device. */
    private void data(ByteBuf in, ByteBuf inner, ByteBuffer tx, InetSocketAddress from) throws WireDecodeException {
        NodePath p = byId.get(PathCipher.peekPathId(in));
        if (p == null) {
            drops.count(Drop.UNKNOWN_PATH);
            return;
        }
        inner.clear();
        p.cipher.open(in, inner);
        LanTranslator t = lan;
        if (t != null && inbound.parse(inner) == ParseStatus.OK && inbound.version() == 6 && inbound.destinationIs(self)) {
            t.inbound(inbound, System.currentTimeMillis()); // a LAN host's flow goes back to it; anything else is this host's
        }
        TunQueue q = queue;
        if (q == null) {
            drops.count(Drop.TUN_WRITE);
            return;
        }
        tx.clear().limit(inner.writerIndex());
        try {
            q.offer(tx);
            traffic.count(1, inner.writerIndex());
        } catch (TunException e) {
            drops.count(Drop.TUN_WRITE);
        }
    }

    private void signalling(ByteBuf in, InetSocketAddress from) throws WireDecodeException, IOException {
        if (in.readableBytes() < MessageCodec.MIN_LENGTH) {
            drops.count(Drop.MALFORMED);
            return;
        }
        int tx = in.getInt(in.readerIndex() + 4);
        Pending p = pending.get(tx);
        int keyId = MessageCodec.peekKeyId(in);
        if (p != null) {
            byte[] raw = ByteBufUtil.getBytes(in);
            Message m = keyId == 0 || p.key() == null ? codec.decodeBeforeVerifying(in)
                    : codec.decode(in, (id, t, n) -> id == p.key().id() ? p.key() : null);
            if (m.type() == MessageType.ERROR && keyId == 0 && p.key() != null) {
                // keyless ERROR (9.2): a hint only; the request gives up at its timeout unless it is final
                p.answer().complete(new Answer(m, raw));
                return;
            }
            if (keyId != 0 && !windows.computeIfAbsent(keyId, k -> new ReplayWindow(ReplayWindow.SIGNALLING)).accept(m.sequence())) {
                drops.count(Drop.REPLAY);
                return;
            }
            p.answer().complete(new Answer(m, raw));
            return;
        }
        Session s = session;
        if (s != null && keyId == s.kNd().id() && in.getUnsignedByte(in.readerIndex() + 1) == MessageType.ROUTE_DIRECTION.code()) {
            // a ROUTE_DIRECTION retransmitted after we acknowledged it (our ACK was lost): acknowledge again (8.2)
            Message m = codec.decode(in, (id, t, n) -> id == s.kNd().id() ? s.kNd() : null);
            if (byId.containsKey(m.id())) {
                send(Message.builder(MessageType.ROUTE_DIRECTION_ACK).transactionId(m.transactionId()).id(m.id()).u8(TlvType.STATUS, 0), s.kNd(), from);
                return;
            }
            LOG.warn("NTM node: a route direction for path {} that this node did not ask for (node-to-node targets are not served yet)",
                    Long.toHexString(m.id()));
            drops.count(Drop.UNEXPECTED);
            return;
        }
        if (in.getUnsignedByte(in.readerIndex() + 1) == MessageType.TEARDOWN.code()) {
            tornDown(in, from);
            return;
        }
        drops.count(Drop.UNEXPECTED);
    }

    /**
     * protocol.md 7.10.1: the tunnel end closed a path (the RS-N's policy no longer allows it, or its administrator
     * disconnected it). The path goes, so the next query for its name asks the DC again; answered TEARDOWN (STATUS OK).
     */
    private void tornDown(ByteBuf in, InetSocketAddress from) throws WireDecodeException, IOException {
        NodePath p = byId.get(in.getLong(in.readerIndex() + 16));
        if (p == null) {
            drops.count(Drop.UNKNOWN_PATH);
            return;
        }
        Message m = codec.decode(in, (id, t, n) -> n == p.pathId && id == p.signalling.id() ? p.signalling : null);
        if (!windows.computeIfAbsent(p.signalling.id(), k -> new ReplayWindow(ReplayWindow.SIGNALLING)).accept(m.sequence())) {
            drops.count(Drop.REPLAY);
            return;
        }
        int status = m.tlv(TlvType.STATUS).isPresent() ? m.u8(TlvType.STATUS) : 0;
        if (byId.remove(p.pathId, p)) {
            byName.remove(p.name, p);
            byPeer.remove(ByteBuffer.wrap(p.peerVirtual), p);
            LOG.warn("NTM node: path {} to {} ({}) was closed by {}: {}; the next query for the name asks the DC again", Long.toHexString(p.pathId), p.name,
                    p.peer().getHostAddress(), from, ErrorCode.name(status));
        }
        send(Message.builder(MessageType.TEARDOWN).transactionId(m.transactionId()).id(p.pathId).u8(TlvType.STATUS, 0), p.signalling, from);
    }

    // ---- the TUN device (11.3) ---------------------------------------------------------------------------

    private synchronized void openTun(Session s) throws TunException {
        if (tun != null) {
            return;
        }
        self = s.virtualV6().getAddress();
        if (settings.lanPrefix() != null) {
            lan = new LanTranslator(settings.lanPrefix(), self, settings.lanFirstPort(), settings.lanLastPort());
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf/all/forwarding"), "1");
            } catch (IOException e) {
                LOG.error("NTM node: gateway mode needs IPv6 forwarding and it could not be switched on: {}", e.toString());
            }
            timer.scheduleWithFixedDelay(() -> lan.expire(System.currentTimeMillis()), 30, 30, TimeUnit.SECONDS);
            LOG.info("NTM node: gateway mode for LAN {} (its flows leave as {} ports {}-{})", settings.lanPrefix(), s.virtualV6().getHostAddress(),
                    settings.lanFirstPort(), settings.lanLastPort());
        }
        tun = TunDevice.open(settings.tunName(), 1, true); // 15.7: the stack's super-packets are read as segments
        tun.addAddress(s.virtualV6(), settings.virtualPrefix().length());
        tun.up(DEFAULT_INNER_MTU);
        queue = tun.queue(0);
        tunReader = new Thread(this::readTun, "ntmgate-node-tun");
        tunReader.setDaemon(true);
        tunReader.start();
        LOG.info("NTM node: {} carries {}/{} (MTU {})", settings.tunName(), s.virtualV6().getHostAddress(), settings.virtualPrefix().length(),
                DEFAULT_INNER_MTU);
    }

    private void readTun() {
        ByteBuffer rx = ByteBuffer.allocateDirect(65_536);
        ByteBuf buf = Unpooled.wrappedBuffer(rx);
        DatagramBatch batch = new DatagramBatch(udp);
        IpPacket ip = new IpPacket();
        ByteBuffer probe = ByteBuffer.allocate(16);
        byte[] dst = probe.array();
        while (running) {
            try {
                rx.clear();
                int n = queue.read(rx, batch.pending() ? 0 : 200);
                if (n <= 0) {
                    batch.flush(); // the device has nothing more for now: what is sealed goes
                    continue;
                }
                buf.setIndex(0, n);
                if (ip.parse(buf) != ParseStatus.OK || ip.version() != 6) {
                    drops.count(Drop.MALFORMED);
                    continue;
                }
                if (!ip.sourceIs(self)) {
                    LanTranslator t = lan;
                    if (t == null || !t.fromLan(ip)) {
                        drops.count(Drop.WRONG_SOURCE);
                        continue;
                    }
                    if (!t.outbound(ip, System.currentTimeMillis())) {
                        drops.count(Drop.LAN_UNMAPPED);
                        continue;
                    }
                }
                ip.copyDestinationAddress(dst, 0);
                NodePath p = byPeer.get(probe.clear());
                if (p == null) {
                    drops.count(Drop.NO_PATH);
                    continue;
                }
                if (n > p.innerMtu) {
                    // 2.4.4: the application learns the tunnel's MTU
                    ByteBuf ptb = Unpooled.buffer(1280);
                    PacketBuilder.packetTooBig(ptb, p.peerVirtual, ip, p.innerMtu);
                    ByteBuffer b = ByteBuffer.allocateDirect(ptb.readableBytes());
                    ptb.getBytes(0, b);
                    b.flip();
                    queue.write(b);
                    drops.count(Drop.TOO_BIG);
                    continue;
                }
                batch.added(p.cipher.seal(buf, batch.buffer(p.endpoint, n + PathCipher.OVERHEAD)));
                traffic.count(0, n);
            } catch (TunException e) {
                if (running) {
                    LOG.error("NTM node: reading {} failed: {}", settings.tunName(), e.getMessage());
                }
            } catch (RuntimeException e) {
                LOG.error("NTM node: a packet failed inside the node", e);
            }
        }
    }

    private final IpPacket inbound = new IpPacket();

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
        return new ArrayList<>(byId.values());
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    String offloadSummary() {
        TunQueue q = queue;
        return q == null ? "not open" : q.offloadSummary();
    }

    RoleCounters counters() {
        return traffic.with(drops.snapshot());
    }

    long packetsSent() {
        return traffic.packets(0);
    }

    long packetsReceived() {
        return traffic.packets(1);
    }

    NodeSettings settings() {
        return settings;
    }

    @Override
    public void close() {
        running = false;
        timer.shutdownNow();
        udp.close();
        synchronized (this) {
            if (tun != null) {
                tun.close();
            }
        }
        if (tunReader != null) {
            try {
                tunReader.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static boolean isV6(InetAddress a) {
        return a instanceof Inet6Address;
    }
}
