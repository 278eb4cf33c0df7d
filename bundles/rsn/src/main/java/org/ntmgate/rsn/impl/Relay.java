package org.ntmgate.rsn.impl;

import java.io.IOException;
import java.math.BigInteger;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.packet.IpProtocol;
import org.ntmgate.packet.PacketBuilder;
import org.ntmgate.packet.ParseStatus;
import org.ntmgate.tun.TunDevice;
import org.ntmgate.tun.TunException;
import org.ntmgate.tun.TunQueue;
import org.ntmgate.wire.AnswerCache;
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
 * The RS-N (protocol.md 7.7, 7.9-7.11, 15): one UDP socket for relay directions from DCs and for node tunnels, one
 * TUN device the egress prefix is routed to. The UDP side runs on one event loop (DATA opened, translated, written
 * to the TUN device); one thread reads the TUN device (translated back, sealed, sent in batches). The packet paths
 * reuse their buffers and look paths up with per-thread probes: nothing is allocated per packet on the way in, and
 * on the way out only Netty's pooled buffer and datagram holder.
 */
final class Relay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Relay.class);
    /** TUN MTU: above any inner MTU, so that the kernel forwards what a node sends and this RS-N answers the rest. */
    static final int TUN_MTU = 1500;
    private static final int RX = 65_536;

    /** Why a packet or message was dropped (10.1, 15.3-15.5). */
    enum Drop {
        MALFORMED, UNKNOWN_PATH, BAD_TAG, REPLAY, BAD_MAC, UNKNOWN_KEY, NOT_IPV6, WRONG_ADDRESS, RATE_LIMITED, NO_PATH, TOO_BIG,
        NOT_THE_NODE, COUNTER_RESERVATION, TUN_WRITE
    }

    private final RsnSettings settings;
    private final TranslationTable table;
    private final PathStore store;
    private final LongSupplier clock;
    private final MessageCodec codec = new MessageCodec();
    private final AnswerCache answers = new AnswerCache();
    /** Signalling sequence numbers start at the time in microseconds, so that a restarted RS-N is above its past (6.1). */
    private final AtomicLong sequence;
    private final ConcurrentHashMap<Key128, RelayPath> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, RelayNode> byNode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key128, RelayNode> byEgress = new ConcurrentHashMap<>();
    private final Map<Integer, ReplayWindow> dcWindows = new ConcurrentHashMap<>();
    private final DropCounters<Drop> drops = new DropCounters<>(Drop.class);
    /** Packets and bytes relayed: 0 from nodes to the IPv6 side, 1 back to the nodes (README, "Counters"). */
    private final TrafficCounters traffic = new TrafficCounters("to_real", "to_node");
    private static final int TO_REAL = 0;
    private static final int TO_NODE = 1;
    private final LongAdder directions = new LongAdder();
    private final AtomicBoolean storeScheduled = new AtomicBoolean();
    private final ScheduledExecutorService timer;
    private volatile boolean running;
    private UdpServer udp;
    private TunDevice tun;
    private TunQueue queue;
    private Thread reader;

    Relay(RsnSettings settings, TranslationTable table, Path stateFile, LongSupplier clock) {
        this.settings = settings;
        this.table = table;
        this.store = new PathStore(stateFile);
        this.clock = clock;
        this.sequence = new AtomicLong(clock.getAsLong() * 1000);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ntmgate-rsn-timer");
            t.setDaemon(true);
            return t;
        });
    }

    /** Restores stored paths, opens the TUN device, starts reading it and binds the UDP socket; returns the bound address. */
    InetSocketAddress start() throws IOException, TunException, InterruptedException {
        restore();
        tun = TunDevice.open(settings.tunName(), 1, true); // 15.7: super-packets both ways
        tun.addAddress(settings.egressPrefix().addressAt(BigInteger.ONE), settings.egressPrefix().length());
        tun.up(TUN_MTU);
        queue = tun.queue(0);
        running = true;
        udp = UdpServer.bind(settings.bind(), new Handler(), true); // 15.7
        reader = new Thread(this::readTun, "ntmgate-rsn-tun");
        reader.setDaemon(true);
        reader.start();
        timer.scheduleWithFixedDelay(this::expire, 5, 5, TimeUnit.SECONDS);
        return udp.localAddress();
    }

    @Override
    public void close() {
        running = false;
        if (udp != null) {
            udp.close();
        }
        if (reader != null) {
            try {
                reader.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timer.shutdownNow();
        try {
            store.save(byId.values(), this::reservation);
        } catch (IOException e) {
            LOG.error("RS-N state could not be saved to {}: {}", store.file(), e.toString());
        }
        if (tun != null) {
            tun.close();
        }
        // The table entries stay: they belong to the shared table service and the next RS-N instance takes them up.
    }

    // ---- state ------------------------------------------------------------------------------------------------

    private void restore() {
        List<PathStore.Stored> stored;
        try {
            stored = store.load(clock.getAsLong());
        } catch (IOException e) {
            LOG.error("RS-N state {} unreadable ({}); starting without paths", store.file(), e.getMessage());
            try {
                org.ntmgate.storage.AtomicFile.setAside(store.file(), clock.getAsLong());
            } catch (IOException io) {
                LOG.error("and it could not be moved aside: {}", io.toString());
            }
            return;
        }
        for (PathStore.Stored s : stored) {
            RelayPath p = s.path();
            // the stored limit is the end of a reserved block: nothing at or above it was ever sealed (15.6)
            p.cipher.resume(s.sendLimit(), s.received());
            p.sendLimit = s.sendLimit();
            p.endpoint = s.endpoint();
            try {
                attach(p);
            } catch (TableFullException | EntryConflictException e) {
                LOG.error("Stored {} dropped: its translation entries could not be restored ({})", p, e.getMessage());
            }
        }
        if (!stored.isEmpty()) {
            LOG.info("RS-N restored {} path(s) of {} node(s) from {}", byId.size(), byNode.size(), store.file());
            storeSoon(); // a new reservation block for every path before it seals anything
        }
    }

    /** The send-counter limit to store for a path: a block beyond what it sealed (15.6). */
    private long reservation(RelayPath p) {
        return Math.max(p.sendLimit, p.cipher.sent() + PathStore.BLOCK);
    }

    private void storeSoon() {
        if (storeScheduled.compareAndSet(false, true)) {
            timer.execute(this::storeNow);
        }
    }

    private void storeNow() {
        storeScheduled.set(false);
        Collection<RelayPath> paths = new ArrayList<>(byId.values());
        Map<RelayPath, Long> limits = new java.util.HashMap<>();
        for (RelayPath p : paths) {
            limits.put(p, reservation(p));
        }
        try {
            store.save(paths, limits::get);
            limits.forEach((p, l) -> p.sendLimit = l);
        } catch (IOException e) {
            LOG.error("RS-N state could not be saved to {}: {} (paths keep their current reservations)", store.file(), e.toString());
        }
    }

    /** Puts a path in the indexes, with its node (egress) and its translation entries (15.1, 15.2). */
    private synchronized void attach(RelayPath p) throws TableFullException, EntryConflictException {
        RelayNode node = byNode.get(p.nodeId);
        if (node == null) {
            node = new RelayNode(p.nodeId, p.egress, p.limits, clock.getAsLong());
        } else if (!java.util.Arrays.equals(node.egress, p.egress)) {
            throw new EntryConflictException("egress of node " + Long.toHexString(p.nodeId), null);
        }
        p.node = node;
        p.nodeEntry = entry(EntryKind.NTM_NODE, p.nodeVirtual, p.egress, EntryOwner.of(p.nodeId, 0));
        p.generalEntry = entry(EntryKind.NTM_GENERAL_NODE, p.generalVirtual, p.real, EntryOwner.NONE);
        byNode.putIfAbsent(p.nodeId, node);
        byEgress.putIfAbsent(node.egressKey, node);
        RelayPath old = byId.put(Key128.path(p.pathId), p);
        if (old != null && old != p) {
            old.node.byReal.remove(Key128.of(old.real), old);
        }
        node.byReal.put(Key128.of(p.real), p);
    }

    /** The table's entry for this mapping: the one already there (restart, another path to the same host) or a new one. */
    private TranslationEntry entry(EntryKind kind, byte[] virtual, byte[] real, EntryOwner owner) throws TableFullException, EntryConflictException {
        Endpoint v = Endpoint.of(virtual, 0);
        Endpoint r = Endpoint.of(real, 0);
        TranslationEntry e = table.lookupByVirtual(v).orElse(null);
        if (e != null && e.realSide().equals(r) && e.kind() == kind) {
            return e;
        }
        return table.insert(new EntrySpec(kind, v, r, owner, settings.idleTimeout()));
    }

    private synchronized void detach(RelayPath p, String why) {
        if (!byId.remove(Key128.path(p.pathId), p)) {
            return;
        }
        RelayNode node = p.node;
        node.byReal.remove(Key128.of(p.real), p);
        // another path of this node to the same host (another name of it) takes over the replies
        byId.values().stream().filter(o -> o.node == node && java.util.Arrays.equals(o.real, p.real)).findFirst()
                .ifPresent(o -> node.byReal.put(Key128.of(o.real), o));
        boolean generalInUse = byId.values().stream().anyMatch(o -> java.util.Arrays.equals(o.real, p.real));
        if (!generalInUse && p.generalEntry != null) {
            table.remove(p.generalEntry.id());
        }
        if (node.byReal.isEmpty() && byId.values().stream().noneMatch(o -> o.node == node)) {
            byNode.remove(node.nodeId, node);
            byEgress.remove(node.egressKey, node);
            if (p.nodeEntry != null) {
                table.remove(p.nodeEntry.id());
            }
        }
        LOG.info("RS-N removed {}: {}", p, why);
        storeSoon();
    }

    private void expire() {
        long now = clock.getAsLong();
        long idle = settings.idleTimeout().toMillis();
        for (RelayPath p : byId.values()) {
            if (now - p.lastData > idle) {
                detach(p, "idle for " + (now - p.lastData) / 1000 + " s");
            }
        }
        for (RelayPath p : byId.values()) {
            if (p.cipher.sent() > p.sendLimit - PathStore.BLOCK / 2) {
                storeSoon();
                break;
            }
        }
    }

    /** The lowest egress address of the prefix not held by a node (2 and up: 1 is the TUN device's own). */
    private byte[] allocateEgress() {
        BigInteger size = settings.egressPrefix().size();
        for (BigInteger i = BigInteger.TWO; i.compareTo(size) < 0; i = i.add(BigInteger.ONE)) {
            byte[] a = settings.egressPrefix().addressAt(i).getAddress();
            if (!byEgress.containsKey(Key128.of(a))) {
                return a;
            }
            if (i.intValue() > 1_000_000) {
                break;
            }
        }
        return null;
    }

    // ---- signalling (UDP event loop) ----------------------------------------------------------------------

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final IpPacket ip = new IpPacket();
        private final Key128 probe = new Key128();
        private final ByteBuffer tx = ByteBuffer.allocateDirect(RX);
        private final ByteBuf txBuf = Unpooled.wrappedBuffer(tx);
        private Channel channel;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channel = ctx.channel();
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            try {
                queue.flush(); // 15.7: the batch's segments, joined per flow
            } catch (TunException e) {
                drops.count(Drop.TUN_WRITE);
            }
            ctx.flush();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf in = packet.content();
            try {
                if (in.readableBytes() >= 2 && in.getUnsignedByte(in.readerIndex() + 1) == MessageType.DATA) {
                    data(in, packet.sender());
                } else {
                    signalling(ctx, in, packet.sender());
                }
            } catch (WireDecodeException e) {
                count(e.reason());
            } catch (RuntimeException e) {
                LOG.error("Datagram from {} failed inside the RS-N", packet.sender(), e);
            }
        }

        /** 7.11 and 15.3: open, check the addresses, translate, write to the TUN device. */
        private void data(ByteBuf in, InetSocketAddress from) throws WireDecodeException {
            long id = PathCipher.peekPathId(in);
            RelayPath p = id == 0 ? null : byId.get(probe.set(0, id));
            if (p == null) {
                drops.count(Drop.UNKNOWN_PATH);
                return;
            }
            txBuf.clear();
            p.cipher.open(in, txBuf);
            long now = clock.getAsLong();
            p.lastData = now;
            if (!from.equals(p.endpoint)) {
                LOG.info("RS-N: node {} now at {} on path {} (was {})", Long.toHexString(p.nodeId), from, Long.toHexString(p.pathId), p.endpoint);
                p.endpoint = from; // 7.3: an authentic packet from a new endpoint moves the path
                storeSoon();
            }
            if (ip.parse(txBuf) != ParseStatus.OK) {
                drops.count(Drop.MALFORMED);
                return;
            }
            if (ip.version() != 6) {
                drops.count(Drop.NOT_IPV6);
                return;
            }
            if (!ip.sourceIs(p.nodeVirtual) || !ip.destinationIs(p.generalVirtual)) {
                drops.count(Drop.WRONG_ADDRESS);
                return;
            }
            int length = ip.length();
            RelayNode node = p.node;
            if (!node.packetsToReal.take(1, now) || !node.bytesToReal.take(length, now)) {
                drops.count(Drop.RATE_LIMITED);
                return;
            }
            ip.rewriteSource(node.egress);
            ip.rewriteDestination(p.real);
            tx.clear().limit(length);
            try {
                queue.offer(tx);
            } catch (TunException e) {
                drops.count(Drop.TUN_WRITE);
                return;
            }
            traffic.count(TO_REAL, length);
            p.toReal.count(length);
            p.nodeEntry.recordToReal(length);
            p.generalEntry.recordToReal(length);
        }

        private void signalling(ChannelHandlerContext ctx, ByteBuf in, InetSocketAddress from) throws WireDecodeException {
            if (in.readableBytes() < MessageCodec.MIN_LENGTH) {
                drops.count(Drop.MALFORMED);
                return;
            }
            int type = in.getUnsignedByte(in.readerIndex() + 1);
            if (type == MessageType.RELAY_DIRECTION.code()) {
                relayDirection(ctx, in, from);
            } else if (type == MessageType.TUNNEL_REQUEST.code() || type == MessageType.TUNNEL_KEEPALIVE.code()
                    || type == MessageType.TEARDOWN.code()) {
                tunnel(ctx, in, from);
            } else {
                drops.count(Drop.MALFORMED);
            }
        }

        /** 7.7: a DC asks for a path; answered once its entries are in the table and its state is stored. */
        private void relayDirection(ChannelHandlerContext ctx, ByteBuf in, InetSocketAddress from) throws WireDecodeException {
            Message m = codec.decode(in, (keyId, t, n) -> settings.dcKeys().get(keyId));
            MacKey key = settings.dcKeys().get(m.keyId());
            long now = clock.getAsLong();
            if (!dcWindows.computeIfAbsent(key.id(), k -> new ReplayWindow(ReplayWindow.SIGNALLING)).accept(m.sequence())) {
                resendOrDrop(ctx, m, from, now);
                return;
            }
            directions.increment();
            Message.Builder answer;
            try {
                answer = newPath(m, key, now);
            } catch (Refusal r) {
                LOG.warn("RS-N refused relay direction for path {} from DC {}: {}", Long.toHexString(m.id()), from, r.getMessage());
                answer = Message.builder(MessageType.RELAY_DIRECTION_ACK).u8(TlvType.STATUS, r.code).tlv(TlvType.ERROR_TEXT, bytes(r.getMessage()));
            }
            answer.transactionId(m.transactionId()).id(m.id());
            byte[] bytes = encode(answer, key);
            answers.hold(from, m, bytes, now);
            ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(bytes), from), ctx.voidPromise());
        }

        private Message.Builder newPath(Message m, MacKey dcKey, long now) throws Refusal, WireDecodeException {
            if (m.tlv(TlvType.ROUTE_MODE).isPresent()) {
                throw new Refusal(ErrorCode.NOT_ALLOWED, "node-to-node relaying (7.7.1) is not offered by this RS-N");
            }
            if (m.tlv(TlvType.VIRTUAL_V6).isEmpty()) {
                throw new Refusal(ErrorCode.NO_USABLE_FAMILY, "this RS-N relays IPv6 inner packets only (no VIRTUAL_V6)");
            }
            byte[] nodeVirtual = m.bytes(TlvType.VIRTUAL_V6);
            InetAddress generalVirtual = m.address(TlvType.PEER_VIRTUAL);
            if (!(generalVirtual instanceof Inet6Address)) {
                throw new Refusal(ErrorCode.NO_USABLE_FAMILY, "the general node's virtual address is not IPv6");
            }
            InetAddress real = m.tlv(TlvType.REAL_ADDRESS).isPresent() ? m.address(TlvType.REAL_ADDRESS) : null;
            String fqdn = m.tlv(TlvType.FQDN).isPresent() ? m.fqdn() : null;
            if (real == null) {
                throw new Refusal(ErrorCode.NO_SUCH_NAME, "no REAL_ADDRESS: this RS-N relays to addresses its DC resolved");
            }
            if (!(real instanceof Inet6Address)) {
                throw new Refusal(ErrorCode.NO_USABLE_FAMILY, "the general node's real address " + real.getHostAddress() + " is not IPv6");
            }
            if (settings.egressPrefix().contains(real)) {
                throw new Refusal(ErrorCode.NOT_ALLOWED, "the real address lies in this RS-N's own egress prefix");
            }
            long nodeId = m.u64(TlvType.NODE_ID);
            KeySealer.SealedKey k = KeySealer.open(settings.dcKeyBytes().get(dcKey.id()), m);
            ByteBuf limitsTlv = Unpooled.wrappedBuffer(m.bytes(TlvType.RELAY_LIMITS));
            RelayLimits limits = new RelayLimits((int) Math.min(Integer.MAX_VALUE, limitsTlv.readUnsignedInt()), limitsTlv.readLong(), limitsTlv.readLong());
            synchronized (Relay.this) {
                RelayPath existing = byId.get(Key128.path(m.id()));
                RelayNode node = byNode.get(nodeId);
                int live = node == null ? 0 : (int) byId.values().stream().filter(o -> o.node == node && o.pathId != m.id()).count();
                if (limits.maxSessions() > 0 && live >= limits.maxSessions()) {
                    throw new Refusal(ErrorCode.RELAY_FULL, "node " + Long.toHexString(nodeId) + " already has " + live + " path(s), its limit");
                }
                byte[] egress = node != null ? node.egress : allocateEgress();
                if (egress == null) {
                    throw new Refusal(ErrorCode.RELAY_FULL, "no egress address left in " + settings.egressPrefix());
                }
                RelayPath p = new RelayPath(m.id(), nodeId, k.keyId(), k.key(), k.lifetimeSeconds(), nodeVirtual, generalVirtual.getAddress(),
                        egress, real.getAddress(), fqdn, limits, now);
                if (existing != null) {
                    p.endpoint = existing.endpoint;
                    detach(existing, "replaced by a new relay direction (new key)");
                }
                try {
                    attach(p);
                } catch (TableFullException e) {
                    throw new Refusal(ErrorCode.RELAY_FULL, "the translation table is full");
                } catch (EntryConflictException e) {
                    throw new Refusal(ErrorCode.RELAY_FULL, "a translation entry conflicts: " + e.getMessage());
                }
                if (node != null) {
                    node.limits(limits, now);
                }
                // 15.6: a new key has sealed nothing yet, so its first block needs no stored reservation; the path is
                // stored right after (off this thread), and a path lost before that is never restored
                p.sendLimit = PathStore.BLOCK;
                storeSoon();
                LOG.info("RS-N relays {} (limits {})", p, limits);
            }
            return Message.builder(MessageType.RELAY_DIRECTION_ACK).u8(TlvType.STATUS, 0).endpoint(TlvType.EGRESS, egressOf(nodeId), 0);
        }

        private InetAddress egressOf(long nodeId) {
            try {
                return InetAddress.getByAddress(byNode.get(nodeId).egress);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalStateException(e);
            }
        }

        /** 7.9, 7.10: a node's tunnel request, keep-alive or teardown, MACed with the path's signalling key. */
        private void tunnel(ChannelHandlerContext ctx, ByteBuf in, InetSocketAddress from) throws WireDecodeException {
            long id = in.getLong(in.readerIndex() + 16);
            RelayPath p = byId.get(probe.set(0, id));
            if (p == null) {
                drops.count(Drop.UNKNOWN_PATH);
                return;
            }
            Message m = codec.decode(in, (keyId, t, n) -> keyId == p.keyId && n == p.pathId ? p.signalling : null);
            long now = clock.getAsLong();
            if (!p.signallingWindow.accept(m.sequence())) {
                resendOrDrop(ctx, m, from, now);
                return;
            }
            Message.Builder answer;
            if (m.type() == MessageType.TEARDOWN) {
                detach(p, "torn down by " + from);
                answer = Message.builder(MessageType.TEARDOWN).u8(TlvType.STATUS, 0);
            } else {
                if (m.type() == MessageType.TUNNEL_REQUEST && m.u64(TlvType.NODE_ID) != p.nodeId) {
                    drops.count(Drop.NOT_THE_NODE);
                    return;
                }
                if (!from.equals(p.endpoint)) {
                    LOG.info("RS-N: node {} tunnels path {} from {} (was {})", Long.toHexString(p.nodeId), Long.toHexString(p.pathId), from, p.endpoint);
                    p.endpoint = from;
                    storeSoon();
                }
                p.lastData = now;
                answer = m.type() == MessageType.TUNNEL_REQUEST
                        ? Message.builder(MessageType.TUNNEL_RESPONSE).u8(TlvType.STATUS, 0).tlv(TlvType.NONCE, m.bytes(TlvType.NONCE))
                                .u16(TlvType.INNER_MTU, settings.innerMtu())
                        : Message.builder(MessageType.TUNNEL_KEEPALIVE_ACK);
            }
            answer.transactionId(m.transactionId()).id(p.pathId);
            byte[] bytes = encode(answer, p.signalling);
            answers.hold(from, m, bytes, now);
            ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(bytes), from), ctx.voidPromise());
        }

        private void resendOrDrop(ChannelHandlerContext ctx, Message m, InetSocketAddress from, long now) {
            byte[] held = answers.find(from, m, now);
            if (held == null || held == AnswerCache.WORKING) {
                drops.count(Drop.REPLAY);
                return;
            }
            ctx.write(new DatagramPacket(Unpooled.wrappedBuffer(held), from), ctx.voidPromise());
        }
    }

    private static final class Refusal extends Exception {
        final int code;

        Refusal(int code, String text) {
            super(text, null, false, false);
            this.code = code;
        }
    }

    private byte[] encode(Message.Builder b, MacKey key) {
        Message m = b.sequence(sequence.incrementAndGet()).keyId(key.id()).build();
        ByteBuf out = Unpooled.buffer(256);
        codec.encode(m, key, out);
        return ByteBufUtil.getBytes(out);
    }

    private static byte[] bytes(String s) {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return b.length <= 200 ? b : java.util.Arrays.copyOf(b, 200);
    }

    // ---- the TUN side (one reader thread) -------------------------------------------------------------------

    private void readTun() {
        ByteBuffer rx = ByteBuffer.allocateDirect(RX);
        ByteBuf buf = Unpooled.wrappedBuffer(rx);
        IpPacket ip = new IpPacket();
        Key128 probe = new Key128();
        DatagramBatch batch = new DatagramBatch(udp);
        while (running) {
            try {
                rx.clear();
                int n = queue.read(rx, batch.pending() ? 0 : 200);
                if (n <= 0) {
                    batch.flush(); // the device has nothing more for now: what is sealed goes (15.7)
                    continue;
                }
                buf.setIndex(0, n);
                fromNetwork(buf, ip, probe, batch);
            } catch (TunException e) {
                if (running) {
                    LOG.error("RS-N: reading {} failed: {}", settings.tunName(), e.getMessage());
                    sleep();
                }
            } catch (RuntimeException e) {
                LOG.error("RS-N: a packet from {} failed inside the RS-N", settings.tunName(), e);
            }
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** 15.4: a packet routed to the egress prefix goes back into the tunnel of its path. */
    private void fromNetwork(ByteBuf buf, IpPacket ip, Key128 probe, DatagramBatch batch) throws TunException {
        if (ip.parse(buf) != ParseStatus.OK) {
            drops.count(Drop.MALFORMED);
            return;
        }
        if (ip.version() != 6) {
            drops.count(Drop.NOT_IPV6);
            return;
        }
        RelayNode node = byEgress.get(probe.set(buf, ip.destinationAddressOffset()));
        if (node == null) {
            drops.count(Drop.NO_PATH);
            return;
        }
        RelayPath p;
        boolean error = ip.protocol() == IpProtocol.ICMPV6 && ip.icmpType() >= 1 && ip.icmpType() <= 4;
        int quoted = ip.transportOffset() + 8;
        if (error) {
            // the quoted packet is one this RS-N sent: egress -> real (15.4)
            if (ip.transportLength() < 8 + 40 || !IpPacket.bytesAt(buf, quoted + 8, node.egress)) {
                drops.count(Drop.MALFORMED);
                return;
            }
            p = node.byReal.get(probe.set(buf, quoted + 24));
        } else {
            p = node.byReal.get(probe.set(buf, ip.sourceAddressOffset()));
        }
        if (p == null || p.endpoint == null) {
            drops.count(Drop.NO_PATH);
            return;
        }
        int length = ip.length();
        long now = clock.getAsLong();
        if (length > settings.innerMtu()) {
            if (!error) {
                tooBig(ip, node);
            }
            drops.count(Drop.TOO_BIG);
            return;
        }
        if (!node.packetsToNode.take(1, now) || !node.bytesToNode.take(length, now)) {
            drops.count(Drop.RATE_LIMITED);
            return;
        }
        if (error) {
            buf.setBytes(quoted + 8, p.nodeVirtual);
            buf.setBytes(quoted + 24, p.generalVirtual);
            if (ip.sourceIs(p.real)) {
                buf.setBytes(ip.sourceAddressOffset(), p.generalVirtual);
            }
            buf.setBytes(ip.destinationAddressOffset(), p.nodeVirtual);
            ip.computeTransportChecksum();
        } else {
            ip.rewriteSource(p.generalVirtual);
            ip.rewriteDestination(p.nodeVirtual);
        }
        if (p.cipher.sent() >= p.sendLimit) {
            drops.count(Drop.COUNTER_RESERVATION); // 15.6: never seal beyond what is stored
            storeSoon();
            return;
        }
        buf.setIndex(ip.start(), ip.start() + length);
        batch.added(p.cipher.seal(buf, batch.buffer(p.endpoint, length + PathCipher.OVERHEAD)));
        p.lastData = now;
        traffic.count(TO_NODE, length);
        p.toNode.count(length);
        p.nodeEntry.recordToVirtual(length);
        p.generalEntry.recordToVirtual(length);
    }

    /** 2.4.4: too large for the tunnel; the sender learns the inner MTU. */
    private void tooBig(IpPacket ip, RelayNode node) throws TunException {
        ByteBuf out = Unpooled.buffer(1280);
        PacketBuilder.packetTooBig(out, node.egress, ip, settings.innerMtu());
        ByteBuffer b = ByteBuffer.allocateDirect(out.readableBytes());
        out.getBytes(out.readerIndex(), b);
        b.flip();
        queue.write(b);
    }

    // ---- counters and views -------------------------------------------------------------------------------

    String offloadSummary() {
        TunQueue q = queue;
        return q == null ? "not open" : q.offloadSummary();
    }

    private void count(WireDecodeException.Reason r) {
        drops.count(switch (r) {
            case BAD_MAC -> Drop.BAD_MAC;
            case UNKNOWN_KEY -> Drop.UNKNOWN_KEY;
            case REPLAY -> Drop.REPLAY;
            case BAD_TAG -> Drop.BAD_TAG;
            case UNKNOWN_PATH -> Drop.UNKNOWN_PATH;
            default -> Drop.MALFORMED;
        });
    }

    Map<Drop, Long> drops() {
        return drops.snapshot();
    }

    long relayedToReal() {
        return traffic.packets(TO_REAL);
    }

    long relayedToNode() {
        return traffic.packets(TO_NODE);
    }

    RoleCounters counters() {
        return traffic.with(drops.snapshot());
    }

    /** Closes one path at once (an administrator's disconnect, protocol.md 7.10.1): false when there is no such path. */
    boolean disconnect(long pathId) {
        RelayPath p = byId.get(Key128.path(pathId));
        if (p == null) {
            return false;
        }
        tearDown(p, "disconnected by an administrator");
        return true;
    }

    /** protocol.md 4.7: closes every path of a node whose account was revoked (7.10.1's TEARDOWN); Runs on the relay's timer thread. */
    void revoke(long nodeId) {
        timer.execute(() -> {
            for (RelayPath p : byId.values()) {
                if (p.nodeId == nodeId) {
                    tearDown(p, "the node's account was revoked");
                }
            }
        });
    }

    /**
     * protocol.md 7.10.1: asks {@code policy} again about every live path (the name the node asked for and the peer's
     * real address; the node's name and this relay's id are the DC's to check) and closes those it refuses, each refusal then among the policy's recent
     * ones with the rule that decided. Paths it allows carry on untouched. Runs on the relay's timer thread.
     */
    void recheck(RelayPolicy policy) {
        timer.execute(() -> recheckNow(policy));
    }

    private void recheckNow(RelayPolicy policy) {
        for (RelayPath p : byId.values()) {
            RelayDecision d = policy.decide(new RelayRequest(null, p.fqdn, address(p.real), null));
            if (!d.allowed()) {
                tearDown(p, "the relay policy no longer allows it: " + d.reason());
            }
        }
    }

    /** 7.10.1: removes the path, then tells the node once (TEARDOWN, STATUS NOT_ALLOWED, MACed with the path's signalling key). */
    private void tearDown(RelayPath p, String why) {
        InetSocketAddress to = p.endpoint;
        detach(p, why);
        UdpServer u = udp;
        if (to != null && u != null) {
            Message.Builder b = Message.builder(MessageType.TEARDOWN).transactionId(java.util.concurrent.ThreadLocalRandom.current().nextInt())
                    .id(p.pathId).u8(TlvType.STATUS, ErrorCode.NOT_ALLOWED);
            u.send(Unpooled.wrappedBuffer(encode(b, p.signalling)), to, true);
        }
    }

    private static InetAddress address(byte[] a) {
        try {
            return InetAddress.getByAddress(a);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    long directions() {
        return directions.sum();
    }

    List<RelayPath> paths() {
        return new ArrayList<>(byId.values());
    }

    InetSocketAddress bound() {
        return udp == null ? null : udp.localAddress();
    }
}
