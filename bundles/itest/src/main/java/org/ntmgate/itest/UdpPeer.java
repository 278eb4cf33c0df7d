package org.ntmgate.itest;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.Ticket;
import org.ntmgate.wire.TlvType;

/** A protocol peer over a real UDP socket on loopback: a node (with a ticket minted as the AS would), or an RS-N. */
final class UdpPeer implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    final String fqdn;
    final long nodeId = RANDOM.nextLong() | 1;
    final byte[] keyBytes;
    final MacKey key;
    final DatagramSocket socket;
    private final MessageCodec codec = new MessageCodec();
    private long seq;
    InetSocketAddress to;

    /** A node with a fresh K_nd. */
    UdpPeer(String fqdn, InetSocketAddress to) throws Exception {
        this(fqdn, to, RANDOM.nextInt() | 1, random());
    }

    /** A peer with a given key (an RS-N with K_dr). */
    UdpPeer(String fqdn, InetSocketAddress to, int keyId, byte[] key) throws Exception {
        this.fqdn = fqdn;
        this.to = to;
        this.keyBytes = key;
        this.key = new MacKey(keyId, key);
        socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
    }

    private static byte[] random() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    /** Registers with a ticket sealed with K_ad (key id 3), reporting {@code inside} as its own address. */
    Message register(InetSocketAddress inside, String kAd) throws Exception {
        byte[] ticket = new Ticket(nodeId, Instant.now().plusSeconds(3600), fqdn, key.id(), keyBytes).seal(3, HexFormat.of().parseHex(kAd));
        send(Message.builder(MessageType.REGISTER_REQUEST).transactionId(RANDOM.nextInt()).keyId(key.id()).tlv(TlvType.TICKET, ticket)
                .fqdn(fqdn).endpoint(TlvType.ENDPOINT, inside));
        return receive(5000);
    }

    void direction(String target, int family) throws Exception {
        send(Message.builder(MessageType.DIRECTION_REQUEST).transactionId(RANDOM.nextInt()).id(nodeId).keyId(key.id()).fqdn(target)
                .u8(TlvType.ADDRESS_FAMILY, family));
    }

    /** Answers {@code request} with {@code answerType} and STATUS OK. */
    void ok(Message request, MessageType answerType) throws Exception {
        send(Message.builder(answerType).transactionId(request.transactionId()).id(request.id()).keyId(key.id()).u8(TlvType.STATUS, 0));
    }

    void send(Message.Builder b) throws Exception {
        ByteBuf out = Unpooled.buffer();
        codec.encode(b.sequence(++seq).build(), key, out);
        byte[] bytes = ByteBufUtil.getBytes(out);
        socket.send(new DatagramPacket(bytes, bytes.length, to));
    }

    /** The next message, or null after {@code millis}. */
    Message receive(int millis) throws Exception {
        socket.setSoTimeout(millis);
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        try {
            socket.receive(p);
        } catch (SocketTimeoutException e) {
            return null;
        }
        return codec.decode(Unpooled.wrappedBuffer(Arrays.copyOf(buf, p.getLength())), (id, t, n) -> id == key.id() ? key : null);
    }

    /** The next message of {@code type} within {@code millis}, skipping others (retransmissions); null if none. */
    Message receive(MessageType type, int millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        for (long left = millis; left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
            Message m = receive((int) Math.max(1, left));
            if (m != null && m.type() == type) {
                return m;
            }
        }
        return null;
    }

    InetSocketAddress local() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    @Override
    public void close() {
        socket.close();
    }
}
