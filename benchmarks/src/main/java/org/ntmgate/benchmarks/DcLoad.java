package org.ntmgate.benchmarks;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.dc.testing.KnotServer;
import org.ntmgate.dc.testing.TestNode;
import org.ntmgate.dc.DcFixture;
import org.ntmgate.policy.PolicyFixture;
import org.ntmgate.pool.PoolFixture;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;

/**
 * The DC load benchmark (a benchmark, not a test): a real DC (the dc bundle's engine, through its exported
 * {@link DcFixture}) with the real pool book
 * and lease journal, a real Knot DNS server answering for {@code names} general nodes with AAAA records only, an
 * RS-N stand-in that acknowledges every Relay Direction, and {@code nodes} registered nodes each keeping
 * {@code window} Direction Requests in flight. It reports Direction Requests per second and the latency from sending
 * the request to receiving the Route Direction, after a warm-up in which every name has been asked once (so names
 * are in the DC's DNS cache, as the goal states), and registrations per second. Everything runs on this machine:
 * the load, the RS-N stand-in and Knot share its cores with the DC.
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar org.ntmgate.benchmarks.DcLoad [seconds [nodes [window [names]]]]</pre>
 */
public final class DcLoad {
    private static final byte[] K_AD = HexFormat.of().parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    private static final byte[] K_DR = HexFormat.of().parseHex("d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef");

    private DcLoad() {
    }

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int nodes = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int window = args.length > 2 ? Integer.parseInt(args[2]) : 8;
        int names = args.length > 3 ? Integer.parseInt(args[3]) : 1000;
        StringBuilder zone = new StringBuilder();
        for (int i = 0; i < names; i++) {
            zone.append("gn").append(i).append(" AAAA 2001:db8:300::").append(Integer.toHexString(i + 1)).append('\n');
        }
        Path dir = Files.createTempDirectory("dc-load");
        VirtualAddressPools pools = PoolFixture.open(dir.resolve("leases.journal"), ShippedDefaults.configurations());
        try (KnotServer knot = new KnotServer(Map.of("example.com", zone.toString()));
                Relay rsn = new Relay()) {
            RelayPolicy open = PolicyFixture.of(ShippedDefaults.configuration("org.ntmgate.policy")); // the shipped policy: open, 64 sessions a node
            Map<String, Object> config = Map.of("bindAddress", "127.0.0.1", "port", 0, "asDcKeyId", 3, "asDcKey", HexFormat.of().formatHex(K_AD),
                    "registrationLifetimeSeconds", 3600L, "dnsResolver", "127.0.0.1:" + knot.address.getPort(),
                    "relays", new String[] { "rsn-1 127.0.0.1:" + rsn.address().getPort() + " 11 " + HexFormat.of().formatHex(K_DR) });
            // the DC engine, with registrations.bin written within a second of a change, as its component keeps it
            DcFixture dc = DcFixture.start(config, pools, open, dir.resolve("registrations.bin"));
            InetSocketAddress dcAddress = dc.address();
            try {
                List<TestNode> clients = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    TestNode n = new TestNode("n" + i + ".load.example.net", "127.0.0.1", dcAddress);
                    n.registered(n.local(), n.ticket(3, K_AD, Instant.now().plusSeconds(7200)));
                    clients.add(n);
                }
                double registrations = registrations(clients, 5);
                // Warm-up: every name asked once by every node (fills the DNS cache and the general-node leases), then
                // a short run for the JIT; then the measurement.
                run(clients, window, names, Duration.ofSeconds(Math.max(5, names * nodes / 2000)), true);
                Result r = run(clients, window, names, Duration.ofSeconds(seconds), false);
                System.out.printf("(load generator: one thread multiplexing every node's socket)%n");
                long[] lat = r.latencies;
                Arrays.sort(lat);
                System.out.printf("DC load: %d nodes x window %d, %d names in the DNS cache, %d s%n", nodes, window, names, seconds);
                System.out.printf("  Direction Requests answered: %d (%.0f/s); timed out and retried: %d%n", lat.length, lat.length / (double) seconds,
                        r.timeouts);
                System.out.printf("  request -> Route Direction: median %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n", ms(lat, 0.5),
                        ms(lat, 0.9), ms(lat, 0.99), lat.length == 0 ? 0 : lat[lat.length - 1] / 1e6);
                System.out.printf("  registrations: %.0f/s (%d nodes, closed loop, 5 s)%n", registrations, nodes);
                System.out.printf("  Relay Directions acknowledged by the RS-N stand-in: %d; leases now: %d%n", rsn.acked.get(),
                        pools.leases().size());
                System.out.printf("  DC counters: accepted %d, dropped %d%n", dc.accepted(), dc.dropped());
                clients.forEach(TestNode::close);
            } finally {
                dc.close();
            }
        } finally {
            PoolFixture.close(pools);
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double ms(long[] sorted, double q) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) (q * sorted.length))] / 1e6;
    }

    record Result(long[] latencies, long timeouts) {
    }

    /**
     * One load thread multiplexes every node's socket (a selector) and keeps {@code window} requests in flight per
     * node until the time is up: a thread per node cost the DC's two shared cores more than the nodes' work itself.
     */
    private static Result run(List<TestNode> clients, int window, int names, Duration time, boolean everyName) throws Exception {
        int n = clients.size();
        long[] lat = new long[8_000_000];
        int done = 0;
        long timeouts = 0;
        int next = 0;
        MessageCodec codec = new MessageCodec();
        List<Map<Integer, Long>> sent = new ArrayList<>();
        List<DatagramChannel> channels = new ArrayList<>();
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < n; i++) {
                DatagramChannel ch = DatagramChannel.open();
                ch.bind(new InetSocketAddress("127.0.0.1", 0));
                ch.configureBlocking(false);
                ch.register(selector, SelectionKey.OP_READ, i);
                channels.add(ch);
                sent.add(new HashMap<>());
            }
            for (int i = 0; i < n; i++) {
                for (int w = 0; w < window; w++) {
                    next = request(clients.get(i), channels.get(i), sent.get(i), codec, everyName ? next++ % names : -1, names, next);
                }
            }
            long end = System.nanoTime() + time.toNanos();
            while (System.nanoTime() < end) {
                if (selector.select(1000) == 0) {
                    for (int i = 0; i < n; i++) { // nothing for a second: count what is outstanding, start again
                        timeouts += sent.get(i).size();
                        sent.get(i).clear();
                        for (int w = 0; w < window; w++) {
                            next = request(clients.get(i), channels.get(i), sent.get(i), codec, everyName ? next++ % names : -1, names, next);
                        }
                    }
                    continue;
                }
                for (var it = selector.selectedKeys().iterator(); it.hasNext();) {
                    SelectionKey k = it.next();
                    it.remove();
                    int i = (Integer) k.attachment();
                    TestNode node = clients.get(i);
                    DatagramChannel ch = channels.get(i);
                    while (true) {
                        in.clear();
                        if (ch.receive(in) == null) {
                            break;
                        }
                        in.flip();
                        Message m = codec.decode(Unpooled.wrappedBuffer(in), (id, t, x) -> id == node.key.id() ? node.key : null);
                        Long start = sent.get(i).remove(m.transactionId());
                        if (m.type() == MessageType.ROUTE_DIRECTION) {
                            send(node, ch, codec, Message.builder(MessageType.ROUTE_DIRECTION_ACK).transactionId(m.transactionId()).id(m.id())
                                    .u8(TlvType.STATUS, 0));
                        }
                        if (start == null) {
                            continue; // a retransmission of an answer already counted
                        }
                        if (m.type() == MessageType.ROUTE_DIRECTION && done < lat.length) {
                            lat[done++] = System.nanoTime() - start;
                        }
                        next = request(node, ch, sent.get(i), codec, everyName ? next++ % names : -1, names, next);
                    }
                }
            }
            // drain answers still in flight so the next phase starts clean
            long drain = System.nanoTime() + 500_000_000L;
            while (System.nanoTime() < drain) {
                selector.select(100);
                for (SelectionKey k : selector.selectedKeys()) {
                    in.clear();
                    while (((DatagramChannel) k.channel()).receive(in) != null) {
                        in.clear();
                    }
                }
                selector.selectedKeys().clear();
            }
        } finally {
            for (DatagramChannel ch : channels) {
                ch.close();
            }
        }
        return new Result(Arrays.copyOf(lat, done), timeouts);
    }

    private static int request(TestNode node, DatagramChannel ch, Map<Integer, Long> sent, MessageCodec codec, int nameIndex, int names, int next)
            throws Exception {
        int tx = ThreadLocalRandom.current().nextInt();
        sent.put(tx, System.nanoTime());
        send(node, ch, codec, Message.builder(MessageType.DIRECTION_REQUEST).transactionId(tx).id(node.nodeId).fqdn(name(nameIndex, names))
                .u8(TlvType.ADDRESS_FAMILY, 6));
        return next;
    }

    private static void send(TestNode node, DatagramChannel ch, MessageCodec codec, Message.Builder b) throws Exception {
        ByteBuf out = Unpooled.buffer(256);
        codec.encode(b.sequence(++node.seq).keyId(node.key.id()).build(), node.key, out);
        ch.send(out.nioBuffer(), node.dc);
    }

    private static String name(int i, int names) {
        return "gn" + (i >= 0 ? i : ThreadLocalRandom.current().nextInt(names)) + ".example.com";
    }

    /** Registrations per second: every node re-registers in a closed loop (its answer before the next). */
    private static double registrations(List<TestNode> clients, int seconds) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        for (TestNode n : clients) {
            byte[] ticket = n.ticket(3, K_AD, Instant.now().plusSeconds(7200));
            Thread th = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        n.register(n.local(), ticket);
                        Message m = n.receiveOrNull(1000);
                        if (m != null && m.type() == MessageType.REGISTER_RESPONSE) {
                            done.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    e.printStackTrace();
                }
            });
            threads.add(th);
            th.start();
        }
        Thread.sleep(seconds * 1000L);
        stop.set(true);
        for (Thread th : threads) {
            th.join(5000);
        }
        return done.get() / (double) seconds;
    }

    /** The RS-N stand-in: acknowledges every RELAY_DIRECTION with STATUS OK and an egress address. */
    static final class Relay implements AutoCloseable {
        final DatagramSocket socket;
        final AtomicLong acked = new AtomicLong();
        private final Thread thread;

        Relay() throws SocketException {
            socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
            MacKey key = new MacKey(11, K_DR);
            MessageCodec codec = new MessageCodec();
            thread = new Thread(() -> {
                byte[] buf = new byte[2048];
                long seq = 0;
                try {
                    InetAddress egress = InetAddress.getByName("2001:db8:400::1");
                    while (!socket.isClosed()) {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        Message m = codec.decode(Unpooled.wrappedBuffer(Arrays.copyOf(buf, p.getLength())), (id, t, n) -> id == 11 ? key : null);
                        if (m.type() != MessageType.RELAY_DIRECTION) {
                            continue;
                        }
                        ByteBuf out = Unpooled.buffer();
                        codec.encode(Message.builder(MessageType.RELAY_DIRECTION_ACK).transactionId(m.transactionId()).id(m.id()).sequence(++seq)
                                .keyId(11).u8(TlvType.STATUS, 0).endpoint(TlvType.EGRESS, egress, 0).build(), key, out);
                        byte[] b = ByteBufUtil.getBytes(out);
                        socket.send(new DatagramPacket(b, b.length, p.getSocketAddress()));
                        acked.incrementAndGet();
                    }
                } catch (Exception e) {
                    if (!socket.isClosed()) {
                        e.printStackTrace();
                    }
                }
            }, "rsn-stand-in");
            thread.setDaemon(true);
            thread.start();
        }

        InetSocketAddress address() {
            return (InetSocketAddress) socket.getLocalSocketAddress();
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
