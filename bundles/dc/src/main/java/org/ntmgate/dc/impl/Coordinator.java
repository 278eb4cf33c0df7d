package org.ntmgate.dc.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.wire.AnswerCache;
import org.ntmgate.wire.DatagramStage;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.Inbound;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.ReplayWindow;
import org.ntmgate.wire.SignallingDecoder;
import org.ntmgate.wire.Ticket;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.wire.WireCounters;
import org.ntmgate.wire.WireDecodeException;
import org.ntmgate.role.RoleEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DC over UDP: registration (protocol.md 7.1, 7.2): REGISTER_REQUEST with a ticket from the AS, virtual
 * addresses from the NODE pools, NAT detection, KEEPALIVE, and expiry of silent nodes (their leases go back to the
 * pools); the nodes' names in DNS (14, {@link ZoneUpdater}); Direction Requests and peer queries (7.4-7.7,
 * {@link Directions}). Its UDP pipeline: {@code Registrations} (REGISTER_REQUEST, keyed by its ticket), wire's
 * {@link SignallingDecoder} (every other message's key, MAC and replay window, held answers sent again), then
 * {@code Requests}. Every datagram that is malformed, unauthentic or replayed is counted and dropped.
 */
final class Coordinator implements RoleEngine {
    private static final Logger LOG = LoggerFactory.getLogger(Coordinator.class);

    private final VirtualAddressPools pools;
    private final DcSettings settings;
    private final Supplier<RelayPolicy> policy;
    private final byte[] pathSecret;
    private final LongSupplier clock;
    /** Told after registrations came, changed or went: the owner writes them out (within a second, not per change). */
    private final Runnable changed;
    private final DcRegistrations nodes;
    private final Map<Integer, DcSettings.Relay> relaysByKey;
    private final Map<Integer, DcSettings.PeerDc> peersByKey;
    private final ConcurrentHashMap<Integer, ReplayWindow> windows = new ConcurrentHashMap<>();
    private final WireCounters counters = new WireCounters();
    private final AnswerCache answers = new AnswerCache();
    private final AtomicLong sequence = new AtomicLong();
    private final MessageCodec codec = new MessageCodec();
    private UdpServer udp;
    private Outstanding outstanding;
    private Directions directions;
    private ZoneUpdater zone;

    Coordinator(VirtualAddressPools pools, DcSettings settings, LongSupplier clock, Runnable changed,
            Supplier<RelayPolicy> policy, byte[] pathSecret) {
        this(pools, settings, clock, changed, policy, pathSecret, new ConcurrentHashMap<>());
    }

    Coordinator(VirtualAddressPools pools, DcSettings settings, LongSupplier clock, Runnable changed,
            Supplier<RelayPolicy> policy, byte[] pathSecret, Map<Long, Long> revoked) {
        this.nodes = new DcRegistrations(pools, clock, changed, revoked);
        this.pools = pools;
        this.settings = settings;
        this.clock = clock;
        this.changed = changed;
        this.policy = policy;
        this.pathSecret = pathSecret.clone();
        this.relaysByKey = settings.relays().stream().collect(Collectors.toMap(DcSettings.Relay::keyId, r -> r));
        this.peersByKey = settings.peers().stream().collect(Collectors.toMap(DcSettings.PeerDc::keyId, p -> p));
    }

    /** Registrations read back after a restart of the bundle: downtime is not silence, their lifetime starts afresh. */
    void restore(List<Registration> restored) {
        nodes.restore(restored);
    }

    /** The bound address, or null before {@link #start}. */
    InetSocketAddress bound() {
        UdpServer u = udp;
        return u == null ? null : u.localAddress();
    }

    /** Binds and serves; returns the bound address. */
    InetSocketAddress start() throws Exception {
        udp = UdpServer.bind(settings.bind(), new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                // protocol.md 10.2: REGISTER_REQUEST carries its key in its ticket; every other message is checked by
                // the decoder against the keys this DC holds (key, MAC, replay, held answers), then served
                ch.pipeline().addLast(new Registrations(), new SignallingDecoder(Coordinator.this::key, counters::drop, answers, clock), new Requests());
            }
        });
        Channel channel = udp.channel();
        outstanding = new Outstanding(channel, settings.timers());
        NameResolver resolver = new NameResolver(settings.dnsResolver(), DNS_TIMEOUT, channel.eventLoop(), clock);
        directions = new Directions(new Directions.Dc() {
            @Override
            public Optional<Registration> registrationOf(String fqdn) {
                return nodes.byName(fqdn);
            }

            @Override
            public byte[] encode(Message.Builder b, MacKey key) {
                return Coordinator.this.encode(b, key);
            }

            @Override
            public long now() {
                return clock.getAsLong();
            }
        }, settings, pools, policy, resolver, outstanding, pathSecret);
        if (settings.tsig() != null) {
            zone = new ZoneUpdater(settings.zone(), settings.dnsUpdateServer(), settings.tsig(), settings.dnsTtl(), DNS_TIMEOUT);
            nodes.zone(zone);
        }
        return udp.localAddress();
    }

    /** How long the DC waits for one DNS answer. */
    static final Duration DNS_TIMEOUT = Duration.ofSeconds(3);

    @Override
    public void close() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
        if (outstanding != null) {
            outstanding.close();
        }
        if (zone != null) {
            zone.close();
        }
    }

    /** Whether the socket uses Netty's epoll transport (recvmmsg/sendmmsg) rather than NIO. */
    boolean batching() {
        UdpServer u = udp;
        return u != null && u.batching();
    }

    Directions directions() {
        return directions;
    }

    ZoneUpdater zoneUpdater() {
        return zone;
    }

    Outstanding outstanding() {
        return outstanding;
    }

    @Override
    public String status() {
        ZoneUpdater z = zoneUpdater();
        return "serving on udp " + bound() + (batching() ? " (epoll)" : " (NIO)") + "; " + nodes.size() + " nodes; accepted " + wireCounters().accepted()
                + ", malformed, unauthentic or replayed datagrams " + wireCounters().droppedTotal() + "; directions routed " + directions().routed()
                + ", failed " + directions().failed() + ", requests awaiting an answer " + outstanding().size()
                + (z == null ? "; no DNS updates" : "; DNS updates of zone " + z.zone() + ": sent " + z.sent() + ", failed " + z.failed() + ", pending " + z.pending());
    }

    WireCounters wireCounters() {
        return counters;
    }

    List<Registration> registrations() {
        return nodes.all();
    }

    /** protocol.md 4.7: the node's account was revoked (the caller recorded it): its registration ends now. */
    void revoke(long nodeId, String fqdn) {
        nodes.revoke(nodeId, fqdn);
    }

    /** Drops nodes silent past their lifetime (7.2) and directed paths past theirs; returns how many nodes. */
    int expire() {
        long now = clock.getAsLong();
        int n = nodes.expire(now);
        if (directions != null) {
            directions.expirePaths(now);
        }
        return n;
    }

    /** True while the handler reads a batch: sends are queued and flushed together at the end (sendmmsg). */
    private boolean reading;

    /**
     * The keys of the messages the decoder checks (10.2): an RS-N's or a peer DC's configured key, or a registered
     * node's session key (also a lapsed one, so that its node is told to register again).
     */
    private MacKey key(int keyId, MessageType type, long id) {
        DcSettings.Relay relay = relaysByKey.get(keyId);
        if (relay != null) {
            return new MacKey(keyId, relay.key());
        }
        DcSettings.PeerDc peer = peersByKey.get(keyId);
        if (peer != null) {
            return new MacKey(keyId, peer.key());
        }
        Registration r = nodes.byKeyId(keyId);
        Registration known = r != null ? r : nodes.lapsed(keyId);
        return known == null ? null : new MacKey(known.keyId(), known.sessionKey());
    }

    /** The first handler: REGISTER_REQUEST (7.1), whose key is inside its ticket; everything else goes on to the decoder. */
    private final class Registrations extends DatagramStage {
        Registrations() {
            super(LOG, "Registration inside the DC");
        }

        @Override
        protected boolean takes(ByteBuf datagram) {
            return type(datagram) == MessageType.REGISTER_REQUEST.code();
        }

        @Override
        protected void take(ChannelHandlerContext ctx, DatagramPacket packet) throws WireDecodeException {
            reading = true;
            register(ctx, packet.content(), packet.sender());
        }

        @Override
        protected void dropped(WireDecodeException.Reason reason) {
            counters.drop(reason);
        }

        private void register(ChannelHandlerContext ctx, ByteBuf in, InetSocketAddress from) throws WireDecodeException {
            Message m = codec.decodeBeforeVerifying(in);
            long now = clock.getAsLong();
            Ticket ticket;
            try {
                ticket = Ticket.open(m.bytes(TlvType.TICKET), settings.asDcKeys(), Instant.ofEpochMilli(now));
            } catch (WireDecodeException e) {
                counters.drop(e.reason());
                error(m.transactionId(), ErrorCode.TICKET_INVALID, "ticket " + e.getMessage() + ": log in again", null, 0, from);
                return;
            }
            MacKey key = new MacKey(ticket.sessionKeyId(), ticket.sessionKey());
            if (m.keyId() != ticket.sessionKeyId() || !codec.verifies(in, key)) {
                counters.drop(WireDecodeException.Reason.BAD_MAC);
                return;
            }
            if (nodes.revokedTicket(ticket)) {
                error(m.transactionId(), ErrorCode.TICKET_INVALID, "the account was revoked: log in again", key, ticket.nodeId(), from);
                return;
            }
            if (!ticket.fqdn().equals(m.fqdn().toLowerCase(Locale.ROOT))) {
                counters.drop(WireDecodeException.Reason.BAD_TLV);
                error(m.transactionId(), ErrorCode.TICKET_INVALID, "the ticket is for another name", key, ticket.nodeId(), from);
                return;
            }
            if (!windows.computeIfAbsent(key.id(), k -> new ReplayWindow(ReplayWindow.SIGNALLING)).accept(m.sequence())) {
                if (!answers.replay(ctx, from, m, now)) { // a retransmission gets its held answer (8.2)
                    counters.drop(WireDecodeException.Reason.REPLAY);
                }
                return;
            }
            InetSocketAddress inside = m.endpoint(TlvType.ENDPOINT);
            Endpoint reported = Endpoint.of(inside.getAddress(), inside.getPort());
            Endpoint seen = Endpoint.of(from.getAddress(), from.getPort());
            Lease v4;
            Lease v6;
            try {
                v4 = pools.allocate(AddressFamily.IPV4, PoolPurpose.NODE, ticket.fqdn());
                v6 = pools.allocate(AddressFamily.IPV6, PoolPurpose.NODE, ticket.fqdn());
            } catch (PoolException e) {
                LOG.error("Registration of {} refused: {}", ticket.fqdn(), e.getMessage());
                error(m.transactionId(), e.reason() == PoolException.Reason.EXHAUSTED ? ErrorCode.POOL_EXHAUSTED : ErrorCode.INTERNAL,
                        e.getMessage(), key, ticket.nodeId(), from);
                return;
            }
            Registration old = nodes.byNodeId(ticket.nodeId());
            Instant at = Instant.ofEpochMilli(now);
            NodeRecord record = new NodeRecord(ticket.nodeId(), ticket.fqdn(), reported, seen, !reported.equals(seen), v4.address(),
                    v6.address(), old != null ? old.record().registeredAt() : at, at, settings.lifetime());
            Registration r = new Registration(record, key.id(), ticket.sessionKey(), ticket.expiry().toEpochMilli());
            nodes.put(r);
            if (zone != null) {
                zone.publish(record.fqdn(), seen.address());
            }
            changed.run();
            counters.accept();
            if (old == null || !old.record().realSeen().equals(seen) || !old.record().realReported().equals(reported)) {
                LOG.info("Node {} ({}) {} from {}{}: {} {}", record.fqdn(), Long.toHexString(record.nodeId()),
                        old == null ? "registered" : "registered again", seen,
                        record.behindNat() ? " behind a NAT (it reported " + reported + ")" : "", v4.address().getHostAddress(),
                        v6.address().getHostAddress());
            } else {
                LOG.debug("Node {} registered again, nothing changed", record.fqdn());
            }
            answerRequest(m, Message.builder(MessageType.REGISTER_RESPONSE).transactionId(m.transactionId()).id(record.nodeId())
                    .u64(TlvType.NODE_ID, record.nodeId()).tlv(TlvType.VIRTUAL_V4, v4.address().getAddress())
                    .tlv(TlvType.VIRTUAL_V6, v6.address().getAddress()).endpoint(TlvType.OBSERVED_ENDPOINT, from)
                    .u32(TlvType.LIFETIME, settings.lifetime().toSeconds()), key, from);
        }

    }

    /** The last handler: the messages the decoder let through, from RS-Ns, peer DCs and registered nodes. */
    private final class Requests extends SimpleChannelInboundHandler<Inbound> {
        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            reading = false;
            ctx.flush();
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Inbound in) {
            reading = true;
            try {
                serve(in.message(), in.sender(), in.key());
            } catch (RuntimeException e) {
                LOG.error("Request from {} failed inside the DC", in.sender(), e);
            }
        }

        private void serve(Message m, InetSocketAddress from, MacKey key) {
            int keyId = m.keyId();
            DcSettings.Relay relay = relaysByKey.get(keyId);
            DcSettings.PeerDc peer = relay == null ? peersByKey.get(keyId) : null;
            if (relay != null || peer != null) {
                if (peer != null && m.type() == MessageType.PEER_QUERY) {
                    answers.working(from, m, clock.getAsLong());
                    counters.accept();
                    directions.peerQuery(peer, m, b -> answerRequest(m, b, key, from));
                } else if (m.type() == (relay != null ? MessageType.RELAY_DIRECTION_ACK : MessageType.PEER_ANSWER) || m.type() == MessageType.ERROR) {
                    answered(m);
                } else {
                    counters.drop(WireDecodeException.Reason.UNKNOWN_TYPE);
                }
                return;
            }
            Registration r = nodes.byKeyId(keyId);
            Registration late = r == null ? nodes.lapsed(keyId) : null;
            if (r == null && late == null) { // gone since the decoder found its key
                counters.drop(WireDecodeException.Reason.UNKNOWN_KEY);
                return;
            }
            if (late != null) {
                if (nodes.revokedNode(late.record().nodeId())) {
                    error(m.transactionId(), ErrorCode.TICKET_INVALID, "the account was revoked: log in again", key, late.record().nodeId(), from);
                } else {
                    error(m.transactionId(), ErrorCode.NOT_REGISTERED, "registration expired: register again", key, late.record().nodeId(), from);
                }
                return;
            }
            switch (m.type()) {
                case KEEPALIVE -> keepalive(r, m, key, from);
                case DIRECTION_REQUEST -> direction(r, m, key, from);
                case ROUTE_DIRECTION_ACK, ERROR -> answered(m);
                default -> {
                    counters.drop(WireDecodeException.Reason.UNKNOWN_TYPE);
                    error(m.transactionId(), ErrorCode.BAD_MESSAGE, m.type() + " is not a request a DC serves", key,
                            r.record().nodeId(), from);
                }
            }
        }

        private void answered(Message m) {
            if (outstanding.answer(m)) {
                counters.accept();
            } else {
                LOG.debug("{} for transaction {} answers nothing pending (late or unknown)", m.type(), Integer.toUnsignedString(m.transactionId()));
            }
        }

        /** A DIRECTION_REQUEST (7.4): its ROUTE_DIRECTION is the answer, retransmitted until the node acknowledges it. */
        private void direction(Registration r, Message m, MacKey key, InetSocketAddress from) {
            answers.working(from, m, clock.getAsLong());
            counters.accept();
            long nodeId = r.record().nodeId();
            directions.request(r, m, new Directions.Answer() {
                @Override
                public void route(Route route) {
                    Message.Builder b = directions.routeDirection(m.transactionId(), route.pathId(), route.mode(), route.tunnelEnd(),
                            route.peerVirtual(), r.sessionKey(), route.keyId(), route.key());
                    byte[] datagram = encode(b, key);
                    answers.hold(from, m, datagram, clock.getAsLong());
                    outstanding.request(datagram, from, key.id(), m.transactionId()).whenComplete((ack, failure) -> {
                        if (failure != null) {
                            LOG.warn("Node {} did not acknowledge the route direction for path {}", r.record().fqdn(), Long.toHexString(route.pathId()));
                        }
                    });
                }

                @Override
                public void error(int code, String text) {
                    answerRequest(m, errorMessage(m.transactionId(), code, text, nodeId), key, from);
                }
            });
        }

        private void keepalive(Registration r, Message m, MacKey key, InetSocketAddress from) {
            NodeRecord n = r.record();
            Instant now = Instant.ofEpochMilli(clock.getAsLong());
            Endpoint seen = Endpoint.of(from.getAddress(), from.getPort());
            NodeRecord fresh = new NodeRecord(n.nodeId(), n.fqdn(), n.realReported(), seen, !n.realReported().equals(seen),
                    n.virtualV4(), n.virtualV6(), n.registeredAt(), now, n.lifetime());
            Registration next = new Registration(fresh, r.keyId(), r.sessionKey(), r.ticketExpiryMillis());
            nodes.put(next);
            if (zone != null && !seen.address().equals(n.realSeen().address())) {
                zone.publish(n.fqdn(), seen.address());
            }
            for (InetAddress a : List.of(n.virtualV4(), n.virtualV6())) {
                try {
                    pools.renew(a, n.fqdn());
                } catch (PoolException e) {
                    LOG.warn("Lease of {} for {} could not be renewed: {}", a.getHostAddress(), n.fqdn(), e.getMessage());
                }
            }
            counters.accept();
            answerRequest(m, Message.builder(MessageType.KEEPALIVE_ACK).transactionId(m.transactionId()).id(n.nodeId())
                    .endpoint(TlvType.OBSERVED_ENDPOINT, from), key, from);
        }
    }

    /** An ERROR answering a request (9.1), sent at once and not held: a retransmission gets the same error again. */
    private void error(int tx, int code, String text, MacKey key, long nodeId, InetSocketAddress to) {
        send(errorMessage(tx, code, text, nodeId), key, to);
    }

    private static Message.Builder errorMessage(int tx, int code, String text, long nodeId) {
        return Message.builder(MessageType.ERROR).transactionId(tx).id(nodeId).u16(TlvType.ERROR_CODE, code)
                .tlv(TlvType.ERROR_TEXT, Directions.bytes(text));
    }

    /** Sends the answer to an accepted request and holds it for retransmissions of that request (8.2). */
    private void answerRequest(Message request, Message.Builder b, MacKey key, InetSocketAddress to) {
        answers.hold(to, request, send(b, key, to), clock.getAsLong());
    }

    /** Encodes with the DC's next sequence number (6.1) and the key's id (0 and no MAC without a key). */
    private byte[] encode(Message.Builder b, MacKey key) {
        return codec.toBytes(b.sequence(sequence.incrementAndGet()).keyId(key == null ? 0 : key.id()).build(), key);
    }

    /** Encodes, sends and returns the datagram. */
    private byte[] send(Message.Builder b, MacKey key, InetSocketAddress to) {
        byte[] bytes = encode(b, key);
        UdpServer u = udp;
        if (u != null) {
            u.send(Unpooled.wrappedBuffer(bytes), to, !(reading && u.channel().eventLoop().inEventLoop()));
        }
        return bytes;
    }

    /** The registered nodes (the DC component's {@code NodeRegistry}). */
    NodeRegistry registry() {
        return nodes;
    }
}
