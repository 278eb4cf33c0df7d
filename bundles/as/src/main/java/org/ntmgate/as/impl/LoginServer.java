package org.ntmgate.as.impl;

import org.ntmgate.provision.Credentials;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.wire.AnswerCache;
import org.ntmgate.wire.Counts;
import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.KeySealer;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.Ticket;
import org.ntmgate.wire.TlvType;
import org.ntmgate.wire.UdpServer;
import org.ntmgate.wire.WireCounters;
import org.ntmgate.wire.WireDecodeException;
import org.ntmgate.role.RoleEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The login exchange of protocol.md section 4 over UDP: LOGIN_REQUEST -> LOGIN_CHALLENGE, LOGIN_PROOF ->
 * LOGIN_RESPONSE (node id, K_nd sealed with K_node, ticket for the DC) or a keyless AUTH_FAILED / RATE_LIMITED.
 * Bad datagrams are counted and dropped; none stops the loop.
 */
final class LoginServer implements RoleEngine {
    private static final Logger LOG = LoggerFactory.getLogger(LoginServer.class);
    static final long PENDING_MILLIS = 10_000;
    static final int MAX_PENDING = 10_000;

    private record Pending(String fqdn, Account account, byte[] key, byte[] nonce, int transactionId, InetSocketAddress source,
            long expires) {
    }

    private final AccountBook accounts;
    private final AsSettings settings;
    private final LongSupplier clock;
    private final SecureRandom random = new SecureRandom();
    private final byte[] serverSecret = new byte[32];
    private final ConcurrentHashMap<Integer, Pending> pending = new ConcurrentHashMap<>();
    /** Answers to proofs, for retransmitted proofs (8.2): the pending login is gone once answered. */
    private final AnswerCache answers = new AnswerCache();
    private final SourceLimits limits;
    private final WireCounters counters = new WireCounters();
    private final AtomicLong sequence = new AtomicLong();
    private final Counts<Count> counts = new Counts<>(Count.class);

    /** What the AS counts (its README, "Counters"). */
    enum Count {
        /** Logins that ended with a LOGIN_ANSWER. */
        LOGINS,
        /** Proofs that were wrong. */
        FAILURES,
        /** LOGIN_REQUESTs dropped by the per-source rate limit or because too many logins were pending. */
        RATE_LIMITED
    }
    private UdpServer udp;

    LoginServer(AccountBook accounts, AsSettings settings, LongSupplier clock) {
        this.accounts = accounts;
        this.settings = settings;
        this.clock = clock;
        this.limits = new SourceLimits(settings.requestsPerSecond(), settings.burst());
        random.nextBytes(serverSecret);
    }

    /** Binds and serves; returns the bound address. */
    /** The bound socket's address, or null before {@link #start}. */
    InetSocketAddress bound() {
        UdpServer u = udp;
        return u == null ? null : u.localAddress();
    }

    InetSocketAddress start() throws InterruptedException {
        udp = UdpServer.bind(settings.bind(), new Handler());
        return udp.localAddress();
    }

    @Override
    public void close() {
        if (udp != null) {
            udp.close();
            udp = null;
        }
    }

    @Override
    public String status() {
        return "serving on udp " + bound() + "; logins " + counts.get(Count.LOGINS) + ", failed " + counts.get(Count.FAILURES) + ", rate-limited " + counts.get(Count.RATE_LIMITED)
                + ", malformed or unauthentic datagrams " + wireCounters().droppedTotal();
    }

    WireCounters wireCounters() {
        return counters;
    }

    long count(Count kind) {
        return counts.get(kind);
    }

    private final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {
        private final MessageCodec codec = new MessageCodec();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            ByteBuf in = packet.content();
            InetSocketAddress from = packet.sender();
            long now = clock.getAsLong();
            try {
                int type = in.readableBytes() >= 2 ? in.getUnsignedByte(in.readerIndex() + 1) : -1;
                if (type == MessageType.LOGIN_REQUEST.code()) {
                    if (!limits.takeRequest(from.getAddress(), now)) {
                        counts.count(Count.RATE_LIMITED); // dropped unanswered: answering a flood would feed it
                        return;
                    }
                    Message m = codec.decode(in, (id, t, n) -> null);
                    if (limits.locked(from.getAddress(), now)) {
                        sendError(ctx, m.transactionId(), ErrorCode.RATE_LIMITED, "too many failed logins from this address", from);
                        return;
                    }
                    challenge(ctx, m, from, now);
                } else if (type == MessageType.LOGIN_PROOF.code()) {
                    proof(ctx, in, from, now);
                } else {
                    counters.drop(WireDecodeException.Reason.UNKNOWN_TYPE);
                }
            } catch (WireDecodeException e) {
                counters.drop(e.reason());
            } catch (RuntimeException e) {
                LOG.error("Login from {} failed inside the AS", from, e);
            }
        }

        private void challenge(ChannelHandlerContext ctx, Message request, InetSocketAddress from, long now) {
            String fqdn = request.fqdn();
            Optional<Account> account = accounts.find(fqdn).filter(Account::enabled);
            byte[] salt;
            int iterations;
            byte[] key;
            if (account.isPresent()) {
                salt = account.get().salt();
                iterations = account.get().iterations();
                key = account.get().key();
            } else {
                // An unknown or disabled name gets a challenge that looks the same (4.3): nothing tells it apart.
                salt = Arrays.copyOf(hmac(serverSecret, "salt|" + fqdn), Credentials.SALT_LENGTH);
                iterations = settings.iterations();
                key = hmac(serverSecret, "key|" + fqdn);
            }
            if (pending.size() >= MAX_PENDING) {
                pending.values().removeIf(p -> p.expires() < now);
                if (pending.size() >= MAX_PENDING) {
                    counts.count(Count.RATE_LIMITED);
                    return;
                }
            }
            int loginKeyId;
            do {
                loginKeyId = random.nextInt();
            } while (loginKeyId == 0 || pending.containsKey(loginKeyId));
            byte[] nonce = new byte[16];
            random.nextBytes(nonce);
            pending.put(loginKeyId, new Pending(fqdn, account.orElse(null), key, nonce, request.transactionId(), from,
                    now + PENDING_MILLIS));
            byte[] kdf = ByteBuffer.allocate(5 + salt.length).putInt(iterations).put((byte) salt.length).put(salt).array();
            Message challenge = Message.builder(MessageType.LOGIN_CHALLENGE).transactionId(request.transactionId())
                    .sequence(sequence.incrementAndGet()).keyId(loginKeyId).tlv(TlvType.KDF_PARAMS, kdf).tlv(TlvType.NONCE, nonce).build();
            send(ctx, challenge, new MacKey(loginKeyId, key), from);
        }

        private void proof(ChannelHandlerContext ctx, ByteBuf in, InetSocketAddress from, long now) throws WireDecodeException {
            int loginKeyId = MessageCodec.peekKeyId(in);
            Pending p = pending.remove(loginKeyId);
            if (p == null || p.expires() < now || !p.source().equals(from)) {
                byte[] held = heldAnswer(in, from, now);
                if (held != null) {
                    ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(held), from));
                } else {
                    counters.drop(WireDecodeException.Reason.UNKNOWN_KEY);
                }
                return;
            }
            int tx = in.getInt(in.readerIndex() + 4);
            if (limits.locked(from.getAddress(), now)) {
                sendError(ctx, tx, ErrorCode.RATE_LIMITED, "too many failed logins from this address", from);
                return;
            }
            MacKey key = new MacKey(loginKeyId, p.key());
            Message m;
            try {
                m = codec.decode(in, (id, t, n) -> id == loginKeyId ? key : null);
            } catch (WireDecodeException e) {
                if (e.reason() != WireDecodeException.Reason.BAD_MAC) {
                    throw e;
                }
                fail(ctx, p, in, from, now);
                return;
            }
            if (p.account() == null || !Arrays.equals(m.bytes(TlvType.NONCE), p.nonce())) {
                fail(ctx, p, in, from, now);
                return;
            }
            limits.succeed(from.getAddress(), now);
            Account a = p.account();
            byte[] sessionKey = new byte[32];
            random.nextBytes(sessionKey);
            int sessionKeyId;
            do {
                sessionKeyId = random.nextInt();
            } while (sessionKeyId == 0);
            long lifetime = settings.ticketLifetime().toSeconds();
            byte[] ticket = new Ticket(a.nodeId(), Instant.ofEpochMilli(now).plusSeconds(lifetime), a.fqdn(), sessionKeyId, sessionKey)
                    .seal(settings.asDcKeyId(), settings.asDcKey());
            Message response = Message.builder(MessageType.LOGIN_RESPONSE).transactionId(tx).sequence(sequence.incrementAndGet())
                    .id(a.nodeId()).keyId(loginKeyId).u64(TlvType.NODE_ID, a.nodeId())
                    .tlv(TlvType.SEALED_KEY, KeySealer.seal(a.key(), MessageType.LOGIN_RESPONSE, tx, a.nodeId(), sessionKeyId, lifetime, sessionKey))
                    .tlv(TlvType.TICKET, ticket).u32(TlvType.LIFETIME, lifetime).build();
            accounts.loggedIn(a.fqdn());
            counts.count(Count.LOGINS); // counted before the answer leaves: whoever sees the answer sees the count
            answers.hold(from, header(in), send(ctx, response, key, from), now);
            LOG.info("Login of {} (node {}) from {}", a.fqdn(), Long.toHexString(a.nodeId()), from);
        }

        private void fail(ChannelHandlerContext ctx, Pending p, ByteBuf proof, InetSocketAddress from, long now) {
            counts.count(Count.FAILURES);
            boolean locked = limits.fail(from.getAddress(), now);
            LOG.warn("Failed login for '{}' from {}{}", p.fqdn(), from, locked ? "; the address is locked out for a while" : "");
            Message header = header(proof);
            answers.hold(from, header, sendError(ctx, header.transactionId(), ErrorCode.AUTH_FAILED, "wrong name or password", from), now);
        }

        /** The answer held for a retransmitted proof (8.2), found by its header fields. */
        private byte[] heldAnswer(ByteBuf in, InetSocketAddress from, long now) {
            return in.readableBytes() < MessageCodec.HEADER_LENGTH ? null : answers.find(from, header(in), now);
        }

        /** The fields of a proof's header that name it in the answer cache. */
        private Message header(ByteBuf in) {
            int at = in.readerIndex();
            return Message.builder(MessageType.LOGIN_PROOF).transactionId(in.getInt(at + 4)).sequence(in.getLong(at + 8))
                    .keyId(in.getInt(at + 24)).build();
        }

        private byte[] sendError(ChannelHandlerContext ctx, int tx, int code, String text, InetSocketAddress to) {
            Message err = Message.builder(MessageType.ERROR).transactionId(tx).sequence(sequence.incrementAndGet())
                    .u16(TlvType.ERROR_CODE, code).tlv(TlvType.ERROR_TEXT, text.getBytes(StandardCharsets.UTF_8)).build();
            return send(ctx, err, null, to);
        }

        /** Encodes, sends and returns the datagram. */
        private byte[] send(ChannelHandlerContext ctx, Message m, MacKey key, InetSocketAddress to) {
            byte[] bytes = codec.toBytes(m, key);
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(bytes), to));
            return bytes;
        }
    }

    static byte[] hmac(byte[] key, String data) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("every Java 17 runtime has HmacSHA256", e);
        }
    }
}
