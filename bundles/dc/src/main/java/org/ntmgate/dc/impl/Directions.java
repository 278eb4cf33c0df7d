package org.ntmgate.dc.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.Collection;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRequest;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.ErrorCodeFailure;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.PathIds;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.WireDecodeException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Direction Requests (protocol.md 7.4-7.7): where a node's target is (one of this DC's nodes, a node of a peer DC,
 * or a general node), and the relay, route and peer directions that set up the path. Everything runs on the DC's
 * event-loop thread; DNS and the waits for acknowledgements are asynchronous, so one slow target never holds up
 * another node. Every failure ends as one ERROR code to the node (or one PEER_ANSWER STATUS to the asking DC).
 */
final class Directions {
    private static final Logger LOG = LoggerFactory.getLogger(Directions.class);
    /** Directions one node may have in progress at once; more are answered RATE_LIMITED (protocol.md 10.3). */
    static final int MAX_IN_PROGRESS_PER_NODE = 32;

    /** What the DC knows of the requesting node: from its registration, or from a peer DC's PEER_QUERY. */
    record Facts(long nodeId, String fqdn, InetSocketAddress reported, InetSocketAddress seen, InetAddress virtual) {
        boolean behindNat() {
            return !reported.equals(seen);
        }
    }

    /** The parts of the coordinator directions need. */
    interface Dc {
        Optional<Registration> registrationOf(String fqdn);

        /** Encodes with the DC's next sequence number and the key's id; returns the datagram. */
        byte[] encode(Message.Builder b, MacKey key);

        long now();
    }

    private final Dc dc;
    private final DcSettings settings;
    private final VirtualAddressPools pools;
    private final Supplier<RelayPolicy> policy;
    private final NameResolver resolver;
    private final Outstanding outstanding;
    private final byte[] pathSecret;
    private final SecureRandom random = KeySealer.drbg();
    private final ConcurrentHashMap<Long, AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, PathRecord> paths = new ConcurrentHashMap<>();
    private final AtomicLong routed = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    Directions(Dc dc, DcSettings settings, VirtualAddressPools pools, Supplier<RelayPolicy> policy, NameResolver resolver,
            Outstanding outstanding, byte[] pathSecret) {
        this.dc = dc;
        this.settings = settings;
        this.pools = pools;
        this.policy = policy;
        this.resolver = resolver;
        this.outstanding = outstanding;
        this.pathSecret = pathSecret;
    }

    long routed() {
        return routed.get();
    }

    long failed() {
        return failed.get();
    }

    Collection<PathRecord> paths() {
        return paths.values();
    }

    /** Forgets paths directed longer ago than the path lifetime (their keys have expired); returns how many. */
    int expirePaths(long nowMillis) {
        long oldest = nowMillis - settings.pathLifetime().toMillis();
        int before = paths.size();
        paths.values().removeIf(p -> p.createdMillis() < oldest);
        return before - paths.size();
    }

    static AddressFamily family(Message m) {
        int f = m.u8(TlvType.ADDRESS_FAMILY);
        return f == 6 ? AddressFamily.IPV6 : f == 4 ? AddressFamily.IPV4 : null;
    }

    static String normalize(String fqdn) {
        String f = fqdn.toLowerCase(Locale.ROOT);
        return f.endsWith(".") ? f.substring(0, f.length() - 1) : f;
    }

    /**
     * A DIRECTION_REQUEST from a registered node (7.4). {@code answer} gets the ROUTE_DIRECTION or ERROR to send
     * to the node; it is called exactly once.
     */
    void request(Registration requester, Message m, Answer answer) {
        NodeRecord n = requester.record();
        AddressFamily family = family(m);
        String target = normalize(m.fqdn());
        if (family == null) {
            answer.error(ErrorCode.BAD_MESSAGE, "ADDRESS_FAMILY must be 4 or 6");
            return;
        }
        if (target.equals(n.fqdn())) {
            answer.error(ErrorCode.BAD_MESSAGE, "a node does not need a direction to itself");
            return;
        }
        AtomicInteger count = inProgress.computeIfAbsent(n.nodeId(), k -> new AtomicInteger());
        if (count.incrementAndGet() > MAX_IN_PROGRESS_PER_NODE) {
            count.decrementAndGet();
            answer.error(ErrorCode.RATE_LIMITED, "more than " + MAX_IN_PROGRESS_PER_NODE + " directions in progress for this node");
            return;
        }
        Facts facts = new Facts(n.nodeId(), n.fqdn(), socket(n.realReported()), socket(n.realSeen()),
                family == AddressFamily.IPV6 ? n.virtualV6() : n.virtualV4());
        CompletionStage<Route> route;
        try {
            route = route(facts, target, family);
        } catch (ErrorCodeFailure f) {
            route = CompletableFuture.failedFuture(f);
        }
        route.whenComplete((r, failure) -> {
            if (count.decrementAndGet() == 0) {
                inProgress.remove(n.nodeId(), count);
            }
            if (failure != null) {
                ErrorCodeFailure f = failureOf(failure);
                failed.incrementAndGet();
                if (f.code() == ErrorCode.NO_SUCH_NAME || f.code() == ErrorCode.NO_USABLE_FAMILY) {
                    LOG.debug("Direction {} -> {} ({}): {} {}", n.fqdn(), target, family, ErrorCode.name(f.code()), f.getMessage()); // DNS's answer, not a fault
                } else {
                    LOG.info("Direction {} -> {} ({}) failed: {} {}", n.fqdn(), target, family, ErrorCode.name(f.code()), f.getMessage());
                }
                answer.error(f.code(), f.getMessage());
                return;
            }
            routed.incrementAndGet();
            paths.put(r.pathId(), new PathRecord(r.pathId(), n.fqdn(), target, r.via(), dc.now()));
            if (LOG.isDebugEnabled()) {
                LOG.debug("Direction {} -> {}: {}", n.fqdn(), target, r.via().describe());
            }
            answer.route(r);
        });
    }

    /** Where a direction's outcome goes. */
    interface Answer {
        void route(Route r);

        void error(int code, String text);
    }

    private CompletionStage<Route> route(Facts requester, String target, AddressFamily family) {
        Optional<Registration> own = dc.registrationOf(target);
        if (own.isPresent()) {
            return pairWithOwnNode(requester, own.get(), family, PathIds.pathId(pathSecret, requester.fqdn(), target));
        }
        if (inOwnZone(target)) {
            return generalNode(requester, target, family);
        }
        return resolver.findDc(target).thenCompose(found -> {
            if (found.isPresent() && !found.get().zone().equals(settings.zone())) {
                return askPeer(requester, target, family, found.get());
            }
            return generalNode(requester, target, family);
        });
    }

    private boolean inOwnZone(String fqdn) {
        String z = settings.zone();
        return z != null && (fqdn.equals(z) || fqdn.endsWith("." + z));
    }

    // 7.4 step 3: a general node, through an RS-N

    private CompletionStage<Route> generalNode(Facts requester, String target, AddressFamily family) {
        return resolver.resolve(target, family).thenCompose(result -> {
            switch (result.outcome()) {
                case NO_SUCH_NAME -> throw new ErrorCodeFailure(ErrorCode.NO_SUCH_NAME, result.detail());
                case NO_USABLE_FAMILY -> throw new ErrorCodeFailure(ErrorCode.NO_USABLE_FAMILY, result.detail());
                case NO_ANSWER -> throw new ErrorCodeFailure(ErrorCode.NO_SUCH_NAME, "DNS failed: " + result.detail());
                default -> {
                }
            }
            InetAddress real = result.addresses().get(0);
            // protocol.md 7.4: one virtual address per real address, shared by every node and every name that leads
            // there (virtual hosting), so that the RS-N's general-node entry (virtual <-> real, 15.2) is one per host
            String owner = real.getHostAddress();
            Lease lease;
            try {
                lease = pools.allocate(family, PoolPurpose.GENERAL_NODE, owner);
            } catch (PoolException e) {
                throw new ErrorCodeFailure(e.reason() == PoolException.Reason.EXHAUSTED ? ErrorCode.POOL_EXHAUSTED : ErrorCode.INTERNAL, e.getMessage());
            }
            // a refusal leaves the lease alone: it is shared with other nodes and expires unless one of them renews it
            Picked relay = pickRelay(requester.fqdn(), target, real);
            long pathId = PathIds.pathId(pathSecret, requester.fqdn(), target);
            int keyId = keyId();
            byte[] key = key();
            int tx = random.nextInt();
            long lifetime = settings.pathLifetime().toSeconds();
            Message.Builder b = Message.builder(MessageType.RELAY_DIRECTION).transactionId(tx).id(pathId)
                    .tlv(family == AddressFamily.IPV6 ? TlvType.VIRTUAL_V6 : TlvType.VIRTUAL_V4, requester.virtual().getAddress())
                    .endpoint(TlvType.PEER_VIRTUAL, lease.address(), 0).fqdn(target).endpoint(TlvType.REAL_ADDRESS, real, 0)
                    .u64(TlvType.NODE_ID, requester.nodeId())
                    .tlv(TlvType.SEALED_KEY, KeySealer.seal(relay.relay.key(), MessageType.RELAY_DIRECTION, tx, pathId, keyId, lifetime, key))
                    .tlv(TlvType.RELAY_LIMITS, limits(relay.limits));
            return relayDirection(relay.relay, b, tx).handle((ack, failure) -> {
                if (failure != null) {
                    throw failureOf(failure);
                }
                return new Route(pathId, Route.Mode.RELAY, relay.relay.address(), lease.address(), keyId, key,
                        new Route.ViaRelay(relay.relay.id(), real, lease.address()));
            });
        });
    }

    private record Picked(DcSettings.Relay relay, RelayLimits limits) {
    }

    /** The first configured RS-N the policy allows (7.4 step 3). */
    private Picked pickRelay(String node, String destinationFqdn, InetAddress destination) {
        if (settings.relays().isEmpty()) {
            throw new ErrorCodeFailure(ErrorCode.NO_RELAY_ALLOWED, "this DC has no RS-N configured (relays)");
        }
        RelayPolicy p = policy.get();
        if (p == null) {
            throw new ErrorCodeFailure(ErrorCode.NO_RELAY_ALLOWED, "no relay policy service: relaying is refused");
        }
        String reason = null;
        for (DcSettings.Relay r : settings.relays()) {
            RelayDecision d = p.decide(new RelayRequest(node, destinationFqdn, destination, r.id()));
            if (d.allowed()) {
                return new Picked(r, d.limits());
            }
            reason = d.reason();
        }
        throw new ErrorCodeFailure(ErrorCode.NO_RELAY_ALLOWED, reason);
    }

    private static byte[] limits(RelayLimits l) {
        return java.nio.ByteBuffer.allocate(20).putInt(l.maxSessions()).putLong(l.maxBytesPerSecond()).putLong(l.maxPacketsPerSecond()).array();
    }

    /** Sends a RELAY_DIRECTION and waits for an OK acknowledgement; any other outcome is a failure with its code. */
    private CompletionStage<Message> relayDirection(DcSettings.Relay relay, Message.Builder b, int tx) {
        MacKey key = new MacKey(relay.keyId(), relay.key());
        byte[] datagram = dc.encode(b, key);
        return outstanding.request(datagram, relay.address(), relay.keyId(), tx).handle((ack, failure) -> {
            if (failure != null) {
                throw new ErrorCodeFailure(ErrorCode.RELAY_TIMEOUT, "relay " + relay.id() + " (" + relay.address() + ") did not answer: "
                        + rootOf(failure).getMessage());
            }
            int status = statusOf(ack);
            if (status != 0) {
                throw new ErrorCodeFailure(status, "relay " + relay.id() + " refused: " + textOf(ack));
            }
            return ack;
        });
    }

    // 7.6: a node of this DC

    private CompletionStage<Route> pairWithOwnNode(Facts requester, Registration target, AddressFamily family, long pathId) {
        NodeRecord t = target.record();
        InetSocketAddress targetSeen = socket(t.realSeen());
        boolean requesterNat = requester.behindNat();
        boolean targetNat = t.behindNat();
        Route.Mode mode = requesterNat && targetNat ? Route.Mode.RELAY : requesterNat || targetNat ? Route.Mode.NAT_SIDE_INITIATOR : Route.Mode.DIRECT;
        int keyId = keyId();
        byte[] key = key();
        InetAddress targetVirtual = family == AddressFamily.IPV6 ? t.virtualV6() : t.virtualV4();
        CompletionStage<InetSocketAddress[]> ends; // [0]: where the requester tunnels to, [1]: where the target does
        String via;
        if (mode == Route.Mode.RELAY) {
            Picked relay = pickRelay(requester.fqdn(), t.fqdn(), null);
            int tx = random.nextInt();
            Message.Builder b = Message.builder(MessageType.RELAY_DIRECTION).transactionId(tx).id(pathId)
                    .tlv(family == AddressFamily.IPV6 ? TlvType.VIRTUAL_V6 : TlvType.VIRTUAL_V4, requester.virtual().getAddress())
                    .endpoint(TlvType.PEER_VIRTUAL, targetVirtual, 0).u8(TlvType.ROUTE_MODE, Route.Mode.RELAY.code())
                    .u64(TlvType.NODE_ID, requester.nodeId())
                    .tlv(TlvType.SEALED_KEY, KeySealer.seal(relay.relay.key(), MessageType.RELAY_DIRECTION, tx, pathId, keyId,
                            settings.pathLifetime().toSeconds(), key))
                    .tlv(TlvType.RELAY_LIMITS, limits(relay.limits));
            ends = relayDirection(relay.relay, b, tx).thenApply(ack -> new InetSocketAddress[] { relay.relay.address(), relay.relay.address() });
            via = "both behind NATs: relay " + relay.relay.id();
        } else {
            ends = CompletableFuture.completedFuture(new InetSocketAddress[] { targetSeen, requester.seen() });
            via = mode == Route.Mode.DIRECT ? "direct" : "NAT side initiates (" + (requesterNat ? requester.fqdn() : t.fqdn()) + ")";
        }
        return ends.thenCompose(e -> {
            int tx = random.nextInt();
            MacKey targetKey = new MacKey(target.keyId(), target.sessionKey());
            byte[] datagram = dc.encode(routeDirection(tx, pathId, mode, e[1], requester.virtual(), target.sessionKey(), keyId, key), targetKey);
            return outstanding.request(datagram, targetSeen, target.keyId(), tx).handle((ack, failure) -> {
                if (failure != null) {
                    throw new ErrorCodeFailure(ErrorCode.NODE_UNREACHABLE, t.fqdn() + " did not acknowledge its route direction");
                }
                int status = statusOf(ack);
                if (status != 0) {
                    throw new ErrorCodeFailure(ErrorCode.NODE_UNREACHABLE, t.fqdn() + " refused its route direction: " + ErrorCode.name(status));
                }
                return new Route(pathId, mode, e[0], targetVirtual, keyId, key, new Route.Said(via));
            });
        });
    }

    /** A ROUTE_DIRECTION (7.8) for a node whose K_nd is {@code recipientKey}. */
    Message.Builder routeDirection(int tx, long pathId, Route.Mode mode, InetSocketAddress tunnelEnd, InetAddress peerVirtual, byte[] recipientKey,
            int keyId, byte[] key) {
        long lifetime = settings.pathLifetime().toSeconds();
        return Message.builder(MessageType.ROUTE_DIRECTION).transactionId(tx).id(pathId).u8(TlvType.ROUTE_MODE, mode.code())
                .endpoint(TlvType.ENDPOINT, tunnelEnd).endpoint(TlvType.PEER_VIRTUAL, peerVirtual, 0)
                .tlv(TlvType.SEALED_KEY, KeySealer.seal(recipientKey, MessageType.ROUTE_DIRECTION, tx, pathId, keyId, lifetime, key))
                .u16(TlvType.INNER_MTU, settings.innerMtu()).u32(TlvType.LIFETIME, lifetime);
    }

    // 7.5: a node of another DC

    private CompletionStage<Route> askPeer(Facts requester, String target, AddressFamily family, NameResolver.Dc peerDc) {
        DcSettings.PeerDc peer = settings.peerForZone(peerDc.zone());
        if (peer == null) {
            throw new ErrorCodeFailure(ErrorCode.PEER_DC_FAILED, target + " is in zone " + peerDc.zone() + " whose DC is at " + peerDc.address()
                    + ", but this DC has no key for it (peers)");
        }
        long pathId = PathIds.pathId(pathSecret, requester.fqdn(), target);
        int tx = random.nextInt();
        MacKey key = new MacKey(peer.keyId(), peer.key());
        byte[] datagram = dc.encode(Message.builder(MessageType.PEER_QUERY).transactionId(tx).id(pathId).fqdn(target)
                .u8(TlvType.ADDRESS_FAMILY, family == AddressFamily.IPV6 ? 6 : 4).u64(TlvType.NODE_ID, requester.nodeId())
                .endpoint(TlvType.ENDPOINT, requester.reported()).endpoint(TlvType.OBSERVED_ENDPOINT, requester.seen())
                .endpoint(TlvType.PEER_VIRTUAL, requester.virtual(), 0), key);
        return outstanding.request(datagram, peerDc.address(), peer.keyId(), tx).handle((answer, failure) -> {
            if (failure != null) {
                throw new ErrorCodeFailure(ErrorCode.PEER_DC_FAILED, "the DC of zone " + peerDc.zone() + " at " + peerDc.address() + " did not answer");
            }
            if (answer.type() != MessageType.PEER_ANSWER) {
                throw new ErrorCodeFailure(ErrorCode.PEER_DC_FAILED, "the DC of zone " + peerDc.zone() + " answered " + textOf(answer));
            }
            int status = statusOf(answer);
            if (status != 0) {
                throw new ErrorCodeFailure(status, "the DC of zone " + peerDc.zone() + ": " + textOf(answer));
            }
            try {
                KeySealer.SealedKey k = KeySealer.open(peer.key(), answer);
                return new Route(pathId, Route.Mode.of(answer.u8(TlvType.ROUTE_MODE)), answer.endpoint(TlvType.ENDPOINT),
                        answer.address(TlvType.PEER_VIRTUAL), k.keyId(), k.key(), new Route.Said("through the DC of zone " + peerDc.zone()));
            } catch (WireDecodeException | RuntimeException e) {
                throw new ErrorCodeFailure(ErrorCode.PEER_DC_FAILED, "the DC of zone " + peerDc.zone() + " sent an unusable answer: " + e.getMessage());
            }
        });
    }

    /**
     * A PEER_QUERY from a peer DC (7.5): direct this DC's node with the asking node's facts, and answer with the
     * asking node's route. {@code answer} gets the PEER_ANSWER to send, exactly once.
     */
    void peerQuery(DcSettings.PeerDc peer, Message m, java.util.function.Consumer<Message.Builder> answer) {
        String target = normalize(m.fqdn());
        AddressFamily family = family(m);
        Optional<Registration> own = dc.registrationOf(target);
        Message.Builder refusal = Message.builder(MessageType.PEER_ANSWER).transactionId(m.transactionId()).id(m.id());
        if (family == null || m.tlv(TlvType.NODE_ID).isEmpty() || m.tlv(TlvType.ENDPOINT).isEmpty()
                || m.tlv(TlvType.OBSERVED_ENDPOINT).isEmpty() || m.tlv(TlvType.PEER_VIRTUAL).isEmpty()) {
            answer.accept(refusal.u8(TlvType.STATUS, ErrorCode.BAD_MESSAGE).tlv(TlvType.ERROR_TEXT, bytes("the requester's facts are missing")));
            return;
        }
        if (own.isEmpty()) {
            answer.accept(refusal.u8(TlvType.STATUS, ErrorCode.NO_SUCH_NAME).tlv(TlvType.ERROR_TEXT, bytes(target + " is not registered here")));
            return;
        }
        long nodeId = m.u64(TlvType.NODE_ID);
        Facts facts = new Facts(nodeId, "node " + Long.toHexString(nodeId) + " of zone " + peer.zone(), m.endpoint(TlvType.ENDPOINT),
                m.endpoint(TlvType.OBSERVED_ENDPOINT), m.address(TlvType.PEER_VIRTUAL));
        CompletionStage<Route> route;
        try {
            route = pairWithOwnNode(facts, own.get(), family, m.id());
        } catch (ErrorCodeFailure f) {
            route = CompletableFuture.failedFuture(f);
        }
        route.whenComplete((r, failure) -> {
            if (failure != null) {
                ErrorCodeFailure f = failureOf(failure);
                failed.incrementAndGet();
                LOG.info("Peer query from zone {} for {} failed: {} {}", peer.zone(), target, ErrorCode.name(f.code()), f.getMessage());
                answer.accept(refusal.u8(TlvType.STATUS, f.code()).tlv(TlvType.ERROR_TEXT, bytes(f.getMessage())));
                return;
            }
            routed.incrementAndGet();
            paths.put(r.pathId(), new PathRecord(r.pathId(), facts.fqdn(), target, r.via(), dc.now()));
            long lifetime = settings.pathLifetime().toSeconds();
            answer.accept(Message.builder(MessageType.PEER_ANSWER).transactionId(m.transactionId()).id(m.id()).u8(TlvType.STATUS, 0)
                    .u8(TlvType.ROUTE_MODE, r.mode().code()).endpoint(TlvType.ENDPOINT, r.tunnelEnd()).endpoint(TlvType.PEER_VIRTUAL, r.peerVirtual(), 0)
                    .tlv(TlvType.SEALED_KEY, KeySealer.seal(peer.key(), MessageType.PEER_ANSWER, m.transactionId(), m.id(), r.keyId(), lifetime, r.key()))
                    .u32(TlvType.LIFETIME, lifetime));
        });
    }

    // helpers

    static byte[] bytes(String text) {
        byte[] t = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        return t.length > 200 ? java.util.Arrays.copyOf(t, 200) : t;
    }

    private static int statusOf(Message m) {
        if (m.type() == MessageType.ERROR) {
            return m.u16(TlvType.ERROR_CODE);
        }
        return m.u8(TlvType.STATUS);
    }

    private static String textOf(Message m) {
        String code = ErrorCode.name(statusOf(m));
        return m.tlv(TlvType.ERROR_TEXT).map(t -> code + " (" + new String(t.value(), java.nio.charset.StandardCharsets.UTF_8) + ")").orElse(code);
    }

    private static Throwable rootOf(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static ErrorCodeFailure failureOf(Throwable t) {
        Throwable r = rootOf(t);
        if (r instanceof ErrorCodeFailure f) {
            return f;
        }
        if (r instanceof TimeoutException) {
            return new ErrorCodeFailure(ErrorCode.INTERNAL, r.getMessage());
        }
        LOG.error("Direction failed inside the DC", r);
        return new ErrorCodeFailure(ErrorCode.INTERNAL, "the DC failed: " + r);
    }

    /** A new key id: any 32-bit value but 0, the id of no key (protocol.md 4.2). */
    private int keyId() {
        return random.ints().filter(id -> id != 0).findFirst().getAsInt();
    }

    private byte[] key() {
        byte[] k = new byte[32];
        random.nextBytes(k);
        return k;
    }

    static InetSocketAddress socket(org.ntmgate.api.net.Endpoint e) {
        return new InetSocketAddress(e.address(), e.port());
    }
}
