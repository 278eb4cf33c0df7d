package org.ntmgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.ntmgate.packet.PacketBuilder;

/**
 * TUN devices for real, as root, inside a network namespace the test makes (the thread that creates the device
 * enters it with setns, so nothing appears in the host's namespace): two queues, addresses of both families, MTU
 * and link state as {@code ip} reports them, and the kernel itself as the peer: an echo request written into the
 * device is answered by the kernel, and the reply is read back from one of the queues.
 */
class TunDeviceTest {
    /** setns(2), for the test thread only. */
    static final class Ns {
        static {
            Native.register("c");
        }

        static native int setns(int fd, int nstype) throws LastErrorException;
    }

    private static final int CLONE_NEWNET = 0x40000000;
    private String ns;
    private ExecutorService inside;

    @BeforeEach
    void namespace() throws Exception {
        ns = "ntmgate-tun-" + ProcessHandle.current().pid();
        run("ip", "netns", "add", ns);
        inside = Executors.newSingleThreadExecutor();
        int fd = LibC.open("/var/run/netns/" + ns, LibC.O_RDWR & 0);
        inside.submit(() -> Ns.setns(fd, CLONE_NEWNET)).get(10, TimeUnit.SECONDS);
        LibC.close(fd);
    }

    @AfterEach
    void cleanUp() throws Exception {
        inside.shutdownNow();
        inside.awaitTermination(10, TimeUnit.SECONDS);
        run("ip", "netns", "delete", ns);
    }

    /** Closes {@code others} (those not null) here, then {@code tun} inside the test's namespace. */
    private void closeIn(TunDevice tun, AutoCloseable... others) throws Exception {
        for (AutoCloseable c : others) {
            if (c != null) {
                c.close();
            }
        }
        in(() -> {
            tun.close();
            return null;
        });
    }

    private <T> T in(Callable<T> task) throws Exception {
        return inside.submit(task).get(30, TimeUnit.SECONDS);
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        return out;
    }

    @Test
    void aTwoQueueDeviceTakesAddressesComesUpAndTheKernelAnswersThroughIt() throws Exception {
        TunDevice tun = in(() -> {
            TunDevice t = TunDevice.open("ntmtest0", 2);
            t.addAddress(InetAddress.getByName("2001:db8:7::1"), 64);
            t.addAddress(InetAddress.getByName("192.0.2.1"), 24);
            t.up(1400);
            return t;
        });
        try {
            String link = run("ip", "netns", "exec", ns, "ip", "-d", "link", "show", "ntmtest0");
            assertTrue(link.contains("mtu 1400") && link.contains("UP") && link.contains("multi_queue"), link);
            String addr = run("ip", "netns", "exec", ns, "ip", "addr", "show", "ntmtest0");
            assertTrue(addr.contains("inet6 2001:db8:7::1/64") && addr.contains("inet 192.0.2.1/24"), addr);
            assertEquals(2, tun.queues());

            // once what the kernel sent on its own (router solicitations, MLD reports) is read, the queue is empty: a
            // read finds nothing and says 0 (EAGAIN, without an exception)
            ByteBuffer idle = ByteBuffer.allocateDirect(2048);
            int reads = 0;
            int n;
            do {
                idle.clear();
                n = tun.queue(1).read(idle, 0);
                reads++;
            } while (n > 0 && reads < 100);
            assertEquals(0, n, "an empty queue reads as 0 after " + reads + " reads");
            assertEquals(0, idle.position());

            ByteBuffer v6 = in(() -> echo(tun, echoRequest("2001:db8:7::2", "2001:db8:7::1", 42), 6, 58, 129));
            assertEquals(42, v6.getShort(40 + 6), "the kernel's echo reply carries our sequence number");
            ByteBuffer v4 = in(() -> echo(tun, echoRequest("192.0.2.2", "192.0.2.1", 7), 4, 1, 0));
            assertEquals(7, v4.getShort(20 + 6));
        } finally {
            closeIn(tun);
        }
        assertTrue(!run("ip", "netns", "exec", ns, "ip", "link").contains("ntmtest0"), "closing the device removes it");
    }

    @Test
    void aRouteToAnotherPrefixAndAnAddressRemovedShowInTheKernel() throws Exception {
        TunDevice tun = in(() -> {
            TunDevice t = TunDevice.open("ntmtest2", 1);
            t.up(1280);
            t.addAddress(InetAddress.getByName("2001:0:c633:640a::1"), 32);
            t.addRoute((java.net.Inet6Address) InetAddress.getByName("2000::"), 3, 1029);
            return t;
        });
        try {
            String routes = run("ip", "netns", "exec", ns, "ip", "-6", "route", "show", "dev", "ntmtest2");
            assertTrue(routes.contains("2000::/3") && routes.contains("metric 1029"), routes);
            assertTrue(routes.contains("2001::/32"), routes);
            in(() -> {
                tun.removeAddress((java.net.Inet6Address) InetAddress.getByName("2001:0:c633:640a::1"), 32);
                tun.removeRoute((java.net.Inet6Address) InetAddress.getByName("2000::"), 3, 1029);
                return null;
            });
            String after = run("ip", "netns", "exec", ns, "ip", "-6", "route", "show", "dev", "ntmtest2");
            assertTrue(!after.contains("2000::/3") && !after.contains("2001::/32"), after);
            String addr = run("ip", "netns", "exec", ns, "ip", "-6", "addr", "show", "dev", "ntmtest2");
            assertTrue(!addr.contains("2001:0:c633:640a::1"), addr);
            TunException bad = assertThrows(TunException.class,
                    () -> tun.addRoute((java.net.Inet6Address) InetAddress.getByName("2000::"), 129, 1));
            assertTrue(bad.getMessage().contains("0-128"), bad.getMessage());
        } finally {
            closeIn(tun);
        }
    }

    /** An ICMP or ICMPv6 echo request, built by the packet library. */
    static byte[] echoRequest(String src, String dst, int sequence) throws Exception {
        io.netty.buffer.ByteBuf out = io.netty.buffer.Unpooled.buffer();
        PacketBuilder.echoRequest(out, InetAddress.getByName(src).getAddress(), InetAddress.getByName(dst).getAddress(), 0x1234, sequence,
                io.netty.buffer.Unpooled.wrappedBuffer("ntmgate tun test".getBytes(StandardCharsets.US_ASCII)));
        return io.netty.buffer.ByteBufUtil.getBytes(out);
    }

    /** Writes {@code request} into queue 0, then reads both queues until a packet of that version, protocol and type. */
    private static ByteBuffer echo(TunDevice tun, byte[] request, int version, int protocol, int type) throws Exception {
        ByteBuffer out = ByteBuffer.allocateDirect(2048);
        out.put(request).flip();
        assertEquals(request.length, tun.queue(0).write(out));
        ByteBuffer in = ByteBuffer.allocateDirect(2048);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (int q = 0; q < tun.queues(); q++) {
                in.clear();
                int n = tun.queue(q).read(in, 50);
                if (n == 0) {
                    continue;
                }
                int v = (in.get(0) >> 4) & 0xF;
                int proto = v == 6 ? in.get(6) & 0xFF : in.get(9) & 0xFF;
                int header = v == 6 ? 40 : (in.get(0) & 0xF) * 4;
                if (v == version && proto == protocol && (in.get(header) & 0xFF) == type) {
                    in.flip();
                    return in;
                }
                // other traffic the kernel sends on a new link (router solicitations, MLD): not ours
            }
        }
        throw new AssertionError("no echo reply (IPv" + version + ") within 5 s");
    }

    /**
     * 15.7 against the kernel: a TCP connection of the namespace's own stack runs through an offload device with this
     * test as its peer. What the kernel sends comes as super-packets (counted) and is read as right segments in
     * order; forty segments the test offers are written as one super-packet and the kernel delivers their bytes.
     */
    @Test
    void anOffloadDeviceHandsOverSuperPacketsAsSegmentsAndTakesJoinedSegments() throws Exception {
        TunDevice tun = offloadDevice("ntmtest3");
        java.nio.channels.SocketChannel client = null;
        try {
            TunQueue q = tun.queue(0);
            assertTrue(q.offload());
            byte[] local = InetAddress.getByName("2001:db8:9::1").getAddress();
            byte[] peer = InetAddress.getByName("2001:db8:9::2").getAddress();
            java.nio.channels.SocketChannel c = in(() -> {
                java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open();
                ch.configureBlocking(false);
                ch.connect(new java.net.InetSocketAddress(InetAddress.getByName("2001:db8:9::2"), 8080));
                return ch;
            });
            client = c;
            ByteBuffer rx = ByteBuffer.allocateDirect(70_000);
            ByteBuffer syn = readTcp(q, rx, -1);
            int port = syn.getShort(40) & 0xFFFF;
            int clientSeq = syn.getInt(44) + 1;
            int ourSeq = 1_000_000;
            byte[] mss1000 = { 2, 4, 0x03, (byte) 0xE8 };
            write(q, TcpOffloadTest.tcp(peer, local, 8080, port, ourSeq, clientSeq, 0x12, 65535, mss1000, new byte[0]));
            ourSeq++;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!c.finishConnect()) {
                assertTrue(System.nanoTime() < deadline, "no connection within 10 s");
                Thread.sleep(5);
            }
            readTcp(q, rx, port); // the handshake's last ACK

            byte[] upload = new byte[60_000];
            new java.util.Random(4).nextBytes(upload);
            ByteBuffer up = ByteBuffer.wrap(upload);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            while (got.size() < upload.length) {
                assertTrue(System.nanoTime() < deadline, "only " + got.size() + " bytes within 10 s");
                c.write(up);
                ByteBuffer seg = readTcp(q, rx, port);
                byte[] p = new byte[seg.remaining()];
                seg.get(0, p);
                int thl = ((p[40 + 12] >> 4) & 0xF) * 4;
                int payload = p.length - 40 - thl;
                if (payload == 0) {
                    continue;
                }
                assertTrue(TcpOffloadTest.checksumOk(p), "each segment read has a right checksum");
                assertTrue(payload <= 1000, "segments of at most the MSS: " + payload);
                assertEquals(clientSeq, seg.getInt(44), "segments come in order, none missing");
                got.write(p, 40 + thl, payload);
                clientSeq += payload;
                write(q, TcpOffloadTest.tcp(peer, local, 8080, port, ourSeq, clientSeq, TcpOffload.ACK, 65535, new byte[0], new byte[0]));
            }
            assertArrayEquals(upload, got.toByteArray());
            assertTrue(q.superPacketsRead() > 0, "the kernel handed over super-packets");

            byte[] download = new byte[40_000];
            new java.util.Random(5).nextBytes(download);
            for (int i = 0; i < 40; i++) {
                byte[] chunk = java.util.Arrays.copyOfRange(download, i * 1000, (i + 1) * 1000);
                byte[] p = TcpOffloadTest.tcp(peer, local, 8080, port, ourSeq + i * 1000, clientSeq, TcpOffload.ACK | (i == 39 ? TcpOffload.PSH : 0),
                        65535, new byte[0], chunk);
                ByteBuffer b = ByteBuffer.allocateDirect(p.length).put(p).flip();
                q.offer(b);
            }
            q.flush();
            assertEquals(1, q.superPacketsWritten());
            assertEquals(40, q.segmentsJoined());
            ByteBuffer down = ByteBuffer.allocate(download.length);
            while (down.hasRemaining()) {
                assertTrue(System.nanoTime() < deadline, "the kernel delivered " + down.position() + " bytes within 10 s");
                if (c.read(down) == 0) {
                    Thread.sleep(5);
                }
            }
            assertArrayEquals(download, down.array(), "the kernel delivered the joined segments' bytes");
        } finally {
            closeIn(tun, client);
        }
    }

    /** 15.7: thirty UDP datagrams offered to an offload device go in as one super-packet and reach a socket as thirty. */
    @Test
    void anOffloadDeviceTakesJoinedUdpDatagramsAndTheKernelDeliversEachOne() throws Exception {
        TunDevice tun = offloadDevice("ntmtest4");
        java.nio.channels.DatagramChannel socket = null;
        try {
            socket = in(() -> java.nio.channels.DatagramChannel.open(java.net.StandardProtocolFamily.INET6)
                    .bind(new java.net.InetSocketAddress(InetAddress.getByName("2001:db8:9::1"), 5201)));
            socket.configureBlocking(false);
            byte[] local = InetAddress.getByName("2001:db8:9::1").getAddress();
            byte[] peer = InetAddress.getByName("2001:db8:9::2").getAddress();
            TunQueue q = tun.queue(0);
            java.util.List<byte[]> sent = new java.util.ArrayList<>();
            java.util.Random r = new java.util.Random(8);
            for (int i = 0; i < 30; i++) {
                byte[] payload = new byte[i == 29 ? 10 : 100];
                r.nextBytes(payload);
                sent.add(payload);
                byte[] p = TcpOffloadTest.udp(peer, local, 40000, 5201, payload);
                q.offer(ByteBuffer.allocateDirect(p.length).put(p).flip());
            }
            q.flush();
            assertEquals(1, q.superPacketsWritten());
            ByteBuffer in = ByteBuffer.allocate(2048);
            long deadline = System.nanoTime() + 10_000_000_000L;
            for (int i = 0; i < sent.size(); i++) {
                in.clear();
                while (socket.receive(in) == null) {
                    assertTrue(System.nanoTime() < deadline, "datagram " + i + " within 10 s");
                    Thread.sleep(2);
                }
                in.flip();
                byte[] got = new byte[in.remaining()];
                in.get(got);
                assertArrayEquals(sent.get(i), got, "datagram " + i + ", its boundaries kept");
            }
        } finally {
            closeIn(tun, socket);
        }
    }

    /** An offload device in the test's namespace with 2001:db8:9::1/64, MTU 1500, up. */
    private TunDevice offloadDevice(String name) throws Exception {
        return in(() -> {
            TunDevice t = TunDevice.open(name, 1, true);
            t.addAddress(InetAddress.getByName("2001:db8:9::1"), 64);
            t.up(1500);
            return t;
        });
    }

    private static void write(TunQueue q, byte[] packet) throws TunException {
        ByteBuffer b = ByteBuffer.allocateDirect(packet.length).put(packet).flip();
        q.write(b);
    }

    /** The next IPv6 TCP packet read (of {@code port}, if not -1), within 10 s; other traffic (MLD, RS) skipped. */
    private static ByteBuffer readTcp(TunQueue q, ByteBuffer rx, int port) throws TunException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            rx.clear();
            int n = q.read(rx, 50);
            if (n >= 60 && (rx.get(0) & 0xF0) == 0x60 && rx.get(6) == 6 && (port == -1 || (rx.getShort(40) & 0xFFFF) == port)) {
                return rx.flip();
            }
        }
        throw new AssertionError("no TCP packet within 10 s");
    }

    @Test
    void aMissingDeviceNodeAndABadNameAreClearErrors() throws Exception {
        TunException missing = assertThrows(TunException.class, () -> TunDevice.open("ntmtest1", 1, "/nonexistent/net/tun"));
        assertEquals(LibC.ENOENT, missing.errno());
        assertTrue(missing.getMessage().contains("is missing: the kernel has no TUN support"), missing.getMessage());
        assertTrue(assertThrows(TunException.class, () -> TunDevice.open("a-name-far-too-long", 1)).getMessage().contains("not an interface name"));
        assertTrue(assertThrows(TunException.class, () -> TunDevice.open("ntmtest1", 0)).getMessage().contains("1 to 16 queues"));
        assertTrue(TunDevice.failure("creating TUN device x", LibC.EPERM).getMessage().contains("need root or CAP_NET_ADMIN"));
        assertThrows(IllegalArgumentException.class, () -> {
            try (TunDevice t = in(() -> TunDevice.open("ntmtest1", 1))) {
                t.queue(0).read(ByteBuffer.allocate(64), 10);
            }
        }, "heap buffers are refused: the queue reads into native memory only");
    }
}
