package org.ntmgate.dc.testing;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.Ticket;
import org.ntmgate.wire.TlvType;

/**
 * A test peer over a real UDP socket: plays an NTM node (its name, node id, K_nd, tickets minted as the AS would),
 * or, with a configured key, an RS-N or a peer DC. Every receive is bounded. Public, in the DC's test jar, for the
 * runtime's process tests and the DC load benchmark too.
 */
public final class TestNode implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();
    public final String fqdn;
    public final long nodeId = RANDOM.nextLong() | 1;
    public final byte[] keyBytes;
    public final MacKey key;
    public final DatagramSocket socket;
    private final MessageCodec codec = new MessageCodec();
    public InetSocketAddress dc;
    public long seq;

    public TestNode(String fqdn, String bind, InetSocketAddress dc) throws Exception {
        this(fqdn, bind, dc, RANDOM.nextInt() | 1, randomKey());
    }

    /** A peer with a given key: an RS-N with K_dr, a DC with K_dd. */
    public TestNode(String fqdn, String bind, InetSocketAddress dc, int keyId, byte[] key) throws Exception {
        this.fqdn = fqdn;
        this.dc = dc;
        this.keyBytes = key;
        this.key = new MacKey(keyId, key);
        socket = new DatagramSocket(new InetSocketAddress(bind, 0));
        socket.setSoTimeout(10_000);
    }

    public static byte[] randomKey() {
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        return k;
    }

    public byte[] ticket(int asDcKeyId, byte[] kAd, Instant expiry) {
        return new Ticket(nodeId, expiry, fqdn, key.id(), keyBytes).seal(asDcKeyId, kAd);
    }

    public byte[] register(InetSocketAddress reported, byte[] ticket) throws Exception {
        return send(Message.builder(MessageType.REGISTER_REQUEST).transactionId(RANDOM.nextInt()).sequence(++seq).keyId(key.id())
                .tlv(TlvType.TICKET, ticket).fqdn(fqdn).endpoint(TlvType.ENDPOINT, reported).build());
    }

    /** Registers and returns the REGISTER_RESPONSE. */
    public Message registered(InetSocketAddress reported, byte[] ticket) throws Exception {
        register(reported, ticket);
        Message m = receive();
        if (m.type() != MessageType.REGISTER_RESPONSE) {
            throw new AssertionError("registration of " + fqdn + " answered " + m);
        }
        return m;
    }

    public byte[] keepalive() throws Exception {
        return send(Message.builder(MessageType.KEEPALIVE).transactionId(RANDOM.nextInt()).sequence(++seq).id(nodeId).keyId(key.id()).build());
    }

    public byte[] direction(String target, int family) throws Exception {
        return send(Message.builder(MessageType.DIRECTION_REQUEST).transactionId(RANDOM.nextInt()).sequence(++seq).id(nodeId).keyId(key.id())
                .fqdn(target).u8(TlvType.ADDRESS_FAMILY, family).build());
    }

    /** Answers a request (ROUTE_DIRECTION_ACK, RELAY_DIRECTION_ACK ...) with STATUS and any other TLVs set on {@code b}. */
    public void answer(Message request, Message.Builder b) throws Exception {
        send(b.transactionId(request.transactionId()).id(request.id()).sequence(++seq).keyId(key.id()).build());
    }

    public byte[] send(Message m) throws Exception {
        ByteBuf out = Unpooled.buffer();
        codec.encode(m, key, out);
        byte[] b = ByteBufUtil.getBytes(out);
        sendRaw(b);
        return b;
    }

    public void sendRaw(byte[] b) throws Exception {
        socket.send(new DatagramPacket(b, b.length, dc));
    }

    public Message receive() throws Exception {
        byte[] buf = new byte[2048];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        socket.receive(p);
        return codec.decode(Unpooled.wrappedBuffer(Arrays.copyOf(buf, p.getLength())), (id, t, n) -> id == key.id() ? key : null);
    }

    /** The next message of {@code type}, skipping retransmissions of others; fails after {@code millis}. */
    public Message receive(MessageType type, int millis) throws Exception {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            long left = (deadline - System.nanoTime()) / 1_000_000L;
            Message m = left <= 0 ? null : receiveOrNull((int) left);
            if (m == null) {
                throw new AssertionError(fqdn + ": no " + type + " within " + millis + " ms");
            }
            if (m.type() == type) {
                return m;
            }
        }
    }

    public Message receiveOrNull(int millis) throws Exception {
        socket.setSoTimeout(millis);
        try {
            return receive();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(10_000);
        }
    }

    public InetSocketAddress local() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** Sends to the DC at another address from now on (it was restarted on another port). */
    public void retarget(InetSocketAddress newDc) {
        dc = newDc;
    }

    @Override
    public void close() {
        socket.close();
    }
}
