package org.ntmgate.tun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The offload mechanics of protocol.md 15.7 without a device: segments joined by the {@link Coalescer} carry the
 * virtio header the kernel expects, and the {@link TcpOffload.Segmenter} splits such a super-packet back into the very
 * segments that went in (byte for byte, checksums computed independently here); what must not be joined is written
 * alone and in its flow's order.
 */
class TcpOffloadTest {
    /** What the coalescer under test writes, and the coalescer: new for each test. */
    private final Recorder r = new Recorder();
    private final Coalescer c = new Coalescer(r);

    static final byte[] A = address(1);
    static final byte[] B = address(2);
    static final byte[] C = address(3);

    static byte[] address(int last) {
        byte[] a = new byte[16];
        a[0] = 0x20;
        a[1] = 0x01;
        a[2] = 0x0d;
        a[3] = (byte) 0xb8;
        a[15] = (byte) last;
        return a;
    }

    /** An IPv6 TCP packet with a checksum computed byte by byte (independently of the code under test). */
    static byte[] tcp(byte[] src, byte[] dst, int sport, int dport, int seq, int ack, int flags, int window, byte[] options, byte[] payload) {
        int thl = 20 + options.length;
        int upper = thl + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + upper);
        b.putInt(0x6000_0000).putShort((short) upper).put((byte) 6).put((byte) 64).put(src).put(dst);
        b.putShort((short) sport).putShort((short) dport).putInt(seq).putInt(ack).put((byte) ((thl / 4) << 4)).put((byte) flags)
                .putShort((short) window).putShort((short) 0).putShort((short) 0).put(options).put(payload);
        return withChecksum(b.array(), 6, 16);
    }

    /** Puts the transport checksum, computed byte by byte over the pseudo-header and the transport bytes, at {@code 40 + field}. */
    private static byte[] withChecksum(byte[] p, int nextHeader, int field) {
        int sum = p.length - 40 + nextHeader;
        for (int i = 8; i < p.length; i += 2) { // the addresses (the pseudo-header's), then the transport header and payload
            sum += ((p[i] & 0xFF) << 8) | (i + 1 < p.length ? p[i + 1] & 0xFF : 0);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        int check = ~sum & 0xFFFF;
        p[40 + field] = (byte) (check >> 8);
        p[40 + field + 1] = (byte) check;
        return p;
    }

    /** An IPv6 UDP datagram with its checksum computed byte by byte. */
    static byte[] udp(byte[] src, byte[] dst, int sport, int dport, byte[] payload) {
        int upper = 8 + payload.length;
        ByteBuffer b = ByteBuffer.allocate(40 + upper);
        b.putInt(0x6000_0000).putShort((short) upper).put((byte) 17).put((byte) 64).put(src).put(dst);
        b.putShort((short) sport).putShort((short) dport).putShort((short) upper).putShort((short) 0).put(payload);
        return withChecksum(b.array(), 17, 6);
    }

    static boolean checksumOk(byte[] p) {
        ByteBuffer b = ByteBuffer.allocateDirect(p.length).put(p);
        return TcpOffload.checksumOk(b, 0, 40, p.length, 6);
    }

    static final byte[] TIMESTAMPS = { 1, 1, 8, 10, 0, 0, 0, 7, 0, 0, 0, 9 };

    /** A flow of segments of 1,000 bytes (the last 500, pushed). */
    static List<byte[]> flow(byte[] src, byte[] dst, int sport, int seq, int count, Random r) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            boolean last = i == count - 1;
            byte[] payload = new byte[last ? 500 : 1000];
            r.nextBytes(payload);
            out.add(tcp(src, dst, sport, 80, seq, 777, TcpOffload.ACK | (last ? TcpOffload.PSH : 0), 500, TIMESTAMPS, payload));
            seq += payload.length;
        }
        return out;
    }

    /** What a coalescer wrote: the virtio header's fields and the packet. */
    record Written(int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset, byte[] packet) {
    }

    static final class Recorder implements Coalescer.Sink {
        final List<Written> written = new ArrayList<>();

        @Override
        public void write(ByteBuffer b) {
            ByteBuffer h = b.duplicate().order(ByteOrder.nativeOrder());
            int at = b.position();
            byte[] packet = new byte[b.remaining() - TcpOffload.HEADER];
            b.get(at + TcpOffload.HEADER, packet);
            written.add(new Written(h.get(at) & 0xFF, h.get(at + 1) & 0xFF, h.getShort(at + 2) & 0xFFFF, h.getShort(at + 4) & 0xFFFF,
                    h.getShort(at + 6) & 0xFFFF, h.getShort(at + 8) & 0xFFFF, packet));
        }
    }

    static void offer(Coalescer c, byte[] p) throws TunException {
        ByteBuffer b = ByteBuffer.allocateDirect(p.length + 8);
        b.position(8); // not at the buffer's start, as in the roles
        b.put(p).flip().position(8);
        c.offer(b);
    }

    /** The segments the segmenter makes of a written super-packet, as a reader of the device would get them. */
    static List<byte[]> split(Written w) {
        ByteBuffer src = ByteBuffer.allocateDirect(w.packet().length + 3);
        src.position(3);
        src.put(w.packet());
        TcpOffload.Segmenter s = new TcpOffload.Segmenter();
        assertTrue(s.start(src, 3, 3 + w.packet().length, 3 + w.csumStart(), w.gsoSize()));
        List<byte[]> out = new ArrayList<>();
        ByteBuffer dst = ByteBuffer.allocateDirect(70_000);
        while (s.hasNext()) {
            dst.clear();
            int n = s.next(dst);
            byte[] p = new byte[n];
            dst.get(0, p);
            out.add(p);
        }
        return out;
    }

    @Test
    void segmentsOfAFlowAreJoinedWithTheKernelsHeaderAndSplitBackIntoTheSameBytes() throws Exception {
        List<byte[]> in = flow(A, B, 40000, 0x7FFF_FF00, 20, new Random(1)); // the sequence number wraps past 2^31
        for (byte[] p : in) {
            offer(c, p);
        }
        // the pushed last segment ended the super-packet and wrote it: nothing waits for the flush
        assertEquals(1, r.written.size());
        Written w = r.written.get(0);
        assertEquals(TcpOffload.F_NEEDS_CSUM, w.flags());
        assertEquals(TcpOffload.GSO_TCPV6, w.gsoType());
        assertEquals(1000, w.gsoSize());
        assertEquals(40 + 32, w.hdrLen());
        assertEquals(40, w.csumStart());
        assertEquals(16, w.csumOffset());
        assertEquals(40 + 32 + 19 * 1000 + 500, w.packet().length);
        ByteBuffer p = ByteBuffer.wrap(w.packet());
        assertEquals(w.packet().length - 40, p.getShort(4) & 0xFFFF, "the IPv6 payload length covers every segment");
        assertEquals(TcpOffload.ACK | TcpOffload.PSH, p.get(40 + 13), "the last segment's PSH is kept");
        // the partial checksum is the pseudo-header's sum over the whole length, not complemented
        ByteBuffer d = ByteBuffer.allocateDirect(w.packet().length).put(w.packet());
        assertEquals(TcpOffload.fold(TcpOffload.pseudoHeader(d, 0, w.packet().length - 40, 6)), p.getShort(40 + 16) & 0xFFFF);
        assertEquals(1, c.superPackets());
        assertEquals(20, c.joined());

        List<byte[]> back = split(w);
        assertEquals(in.size(), back.size());
        for (int i = 0; i < in.size(); i++) {
            assertArrayEquals(in.get(i), back.get(i), "segment " + i);
            assertTrue(checksumOk(back.get(i)));
        }
    }

    @Test
    void whatMustNotBeJoinedIsWrittenAloneAndEachFlowKeepsItsOrder() throws Exception {
        Random rnd = new Random(2);
        List<byte[]> f1 = flow(A, B, 1111, 1000, 8, rnd);
        List<byte[]> f2 = flow(C, B, 2222, 5000, 8, rnd);
        byte[] broken = f1.get(3).clone();
        broken[broken.length - 1] ^= 1; // a wrong checksum: it must reach the kernel as it is, not laundered
        byte[] syn = tcp(A, B, 3333, 80, 1, 0, 0x02, 500, new byte[0], new byte[0]);
        byte[] pureAck = tcp(C, B, 2222, 80, 5000 + 3000, 777, TcpOffload.ACK, 500, TIMESTAMPS, new byte[0]);
        // interleaved: f1 0-2 and f2 0-2, f1's broken 3, a SYN, f2's pure ACK, f1 5-6 (4 lost), f2 3-4
        for (int i = 0; i < 3; i++) {
            offer(c, f1.get(i));
            offer(c, f2.get(i));
        }
        offer(c, broken);
        offer(c, syn);
        offer(c, pureAck);
        offer(c, f1.get(5)); // f1's segment 4 never came: a gap in the sequence starts a new super-packet
        offer(c, f1.get(6));
        offer(c, f2.get(3));
        offer(c, f2.get(4));
        c.flush();

        List<String> seen = new ArrayList<>();
        for (Written w : r.written) {
            ByteBuffer p = ByteBuffer.wrap(w.packet());
            int sport = p.getShort(40) & 0xFFFF;
            int seq = p.getInt(44);
            int segments = w.gsoType() == TcpOffload.GSO_TCPV6 ? split(w).size() : 1;
            seen.add(sport + "@" + seq + "x" + segments);
        }
        assertEquals(List.of(
                "1111@1000x3", // f1 0-2, written when the broken segment of its flow came
                "1111@4000x1", // the broken one, alone
                "3333@1x1", // the SYN, alone
                "2222@5000x3", // f2 0-2, written before its pure ACK
                "2222@8000x1", // the pure ACK
                "1111@6000x2", // f1 5-6 after the gap, at the flush
                "2222@8000x2" // f2 3-4
        ), sortFlush(seen));
        assertArrayEquals(broken, r.written.get(1).packet());
        assertFalse(checksumOk(r.written.get(1).packet()));
        for (Written w : r.written) {
            if (w.gsoType() == TcpOffload.GSO_NONE) {
                assertEquals(0, w.flags(), "a packet written alone asks the kernel for nothing");
            }
        }
    }

    /** The flush writes its held flows in slot order; the test only cares that each flow's order is kept. */
    private static List<String> sortFlush(List<String> seen) {
        List<String> head = new ArrayList<>(seen.subList(0, seen.size() - 2));
        List<String> tail = new ArrayList<>(seen.subList(seen.size() - 2, seen.size()));
        tail.sort(null);
        head.addAll(tail);
        return head;
    }

    @Test
    void segmentsWithOtherOptionsOrAShortOneEndTheSuperPacket() throws Exception {
        byte[] p1 = tcp(A, B, 1, 80, 0, 9, TcpOffload.ACK, 500, TIMESTAMPS, new byte[1000]);
        byte[] p2 = tcp(A, B, 1, 80, 1000, 9, TcpOffload.ACK, 500, TIMESTAMPS, new byte[600]); // shorter: ends it
        byte[] p3 = tcp(A, B, 1, 80, 1600, 9, TcpOffload.ACK, 500, TIMESTAMPS, new byte[1000]);
        byte[] newer = TIMESTAMPS.clone();
        newer[7] = 8;
        byte[] p4 = tcp(A, B, 1, 80, 2600, 9, TcpOffload.ACK, 500, newer, new byte[1000]); // another timestamp
        byte[] p5 = tcp(A, B, 1, 80, 3600, 10, TcpOffload.ACK, 500, newer, new byte[1000]); // another acknowledgement
        for (byte[] p : List.of(p1, p2, p3, p4, p5)) {
            offer(c, p);
        }
        c.flush();
        assertEquals(4, r.written.size());
        assertEquals(2, split(r.written.get(0)).size());
        assertArrayEquals(p3, r.written.get(1).packet());
        assertArrayEquals(p4, r.written.get(2).packet());
        assertArrayEquals(p5, r.written.get(3).packet());
    }

    @Test
    void aShortPacketWrittenFromAFlowsPlaceLeavesRoomForLongerOnes() throws Exception {
        byte[] small = tcp(A, B, 1, 80, 0, 9, TcpOffload.ACK | TcpOffload.PSH, 500, new byte[0], new byte[10]);
        byte[] alone = tcp(A, B, 1, 80, 10, 9, 0x02, 500, new byte[0], new byte[0]);
        offer(c, small); // pushed: written at once from its flow's place
        offer(c, alone); // written from the other buffer
        offer(c, alone);
        List<byte[]> big = flow(A, B, 1, 10, 3, new Random(6));
        for (byte[] p : big) {
            offer(c, p); // into the same places, each longer than what they held
        }
        c.flush();
        assertEquals(4, r.written.size());
        assertArrayEquals(small, r.written.get(0).packet());
        assertArrayEquals(alone, r.written.get(2).packet());
        List<byte[]> back = split(r.written.get(3));
        assertEquals(big.size(), back.size());
        for (int i = 0; i < big.size(); i++) {
            assertArrayEquals(big.get(i), back.get(i));
        }
    }

    @Test
    void datagramsOfAUdpFlowAreJoinedWithTheKernelsUdpHeaderAndTheirBoundariesKept() throws Exception {
        Random rnd = new Random(7);
        List<byte[]> payloads = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] d = new byte[i == 9 ? 20 : 64];
            rnd.nextBytes(d);
            payloads.add(d);
        }
        byte[] zero = udp(A, B, 9, 5201, new byte[64]);
        zero[40 + 6] = 0;
        zero[40 + 7] = 0; // no checksum: never trusted into a partial one
        for (byte[] d : payloads.subList(0, 4)) {
            offer(c, udp(A, B, 9, 5201, d));
        }
        offer(c, zero);
        for (byte[] d : payloads.subList(4, 10)) {
            offer(c, udp(A, B, 9, 5201, d));
        }
        offer(c, udp(A, B, 9, 5201, new byte[64])); // after the shorter one: a new super-packet
        c.flush();
        assertEquals(4, r.written.size());
        Written first = r.written.get(0);
        assertEquals(TcpOffload.GSO_UDP_L4, first.gsoType());
        assertEquals(TcpOffload.F_NEEDS_CSUM, first.flags());
        assertEquals(64, first.gsoSize());
        assertEquals(48, first.hdrLen());
        assertEquals(40, first.csumStart());
        assertEquals(6, first.csumOffset());
        ByteBuffer p = ByteBuffer.wrap(first.packet());
        assertEquals(8 + 4 * 64, p.getShort(40 + 4) & 0xFFFF, "the UDP length covers every datagram");
        assertEquals(8 + 4 * 64, p.getShort(4) & 0xFFFF);
        ByteBuffer d = ByteBuffer.allocateDirect(first.packet().length).put(first.packet());
        assertEquals(TcpOffload.fold(TcpOffload.pseudoHeader(d, 0, 8 + 4 * 64, 17)), p.getShort(40 + 6) & 0xFFFF);
        for (int i = 0; i < 4; i++) {
            assertArrayEquals(payloads.get(i), java.util.Arrays.copyOfRange(first.packet(), 48 + i * 64, 48 + (i + 1) * 64));
        }
        assertArrayEquals(zero, r.written.get(1).packet(), "the datagram without a checksum, alone, after the four before it");
        Written second = r.written.get(2);
        assertEquals(8 + 5 * 64 + 20, ByteBuffer.wrap(second.packet()).getShort(40 + 4) & 0xFFFF, "five datagrams and the shorter last");
        assertEquals(TcpOffload.GSO_NONE, r.written.get(3).gsoType(), "one datagram alone is written as it is");
    }

    @Test
    void onAKernelWithoutUdpSuperPacketsEveryDatagramIsWrittenAlone() throws Exception {
        c.joinUdp(false); // what TunDevice.open finds on a kernel before 6.2
        for (int i = 0; i < 5; i++) {
            offer(c, udp(A, B, 9, 5201, new byte[64]));
        }
        c.flush();
        assertEquals(5, r.written.size());
        assertTrue(r.written.stream().allMatch(w -> w.gsoType() == TcpOffload.GSO_NONE && w.flags() == 0));
    }

    /**
     * 10,000 packets of three TCP flows, a UDP flow and junk, in random order, with gaps, wrong checksums, pushes, short
     * segments, SYNs and pure ACKs among them, offered with flushes at random: whatever was written, split again as the
     * kernel splits it, is every offered packet, byte for byte, each flow in its order.
     */
    @Test
    void whateverIsOfferedComesOutUnchangedAndInEachFlowsOrder() throws Exception {
        Random rnd = new Random(11);
        int[] seq = { 1000, 2000, 3000 };
        java.util.Map<String, List<byte[]>> offered = new java.util.HashMap<>();
        for (int i = 0; i < 10_000; i++) {
            int kind = rnd.nextInt(10);
            byte[] p;
            if (kind < 6) {
                int f = rnd.nextInt(3);
                int len = rnd.nextInt(20) == 0 ? 1 + rnd.nextInt(999) : 1000;
                byte[] payload = new byte[len];
                rnd.nextBytes(payload);
                int flags = rnd.nextInt(15) == 0 ? TcpOffload.ACK | TcpOffload.PSH : rnd.nextInt(50) == 0 ? 0x02 : TcpOffload.ACK;
                byte[] options = rnd.nextInt(30) == 0 ? new byte[0] : TIMESTAMPS;
                int s0 = rnd.nextInt(25) == 0 ? seq[f] + 5000 : seq[f]; // now and then a gap
                p = tcp(A, B, 7000 + f, 80, s0, 42, flags, 500, options, payload);
                seq[f] = s0 + len;
                if (rnd.nextInt(40) == 0) {
                    p[p.length - 1] ^= 0x5A; // a wrong checksum
                }
            } else if (kind < 9) {
                byte[] payload = new byte[rnd.nextInt(10) == 0 ? 1 + rnd.nextInt(64) : 64];
                rnd.nextBytes(payload);
                p = udp(A, C, 9, 5201, payload);
            } else {
                p = new byte[1 + rnd.nextInt(120)];
                rnd.nextBytes(p); // not a packet of any flow
            }
            offered.computeIfAbsent(flowOf(p), k -> new ArrayList<>()).add(p);
            offer(c, p);
            if (rnd.nextInt(8) == 0) {
                c.flush();
            }
        }
        c.flush();
        java.util.Map<String, List<byte[]>> out = new java.util.HashMap<>();
        for (Written w : r.written) {
            List<byte[]> packets = w.gsoType() == TcpOffload.GSO_TCPV6 ? split(w)
                    : w.gsoType() == TcpOffload.GSO_UDP_L4 ? splitUdp(w) : List.of(w.packet());
            for (byte[] p : packets) {
                out.computeIfAbsent(flowOf(p), k -> new ArrayList<>()).add(p);
            }
        }
        assertEquals(offered.keySet(), out.keySet());
        for (String flow : offered.keySet()) {
            List<byte[]> in = offered.get(flow);
            List<byte[]> got = out.get(flow);
            assertEquals(in.size(), got.size(), flow);
            for (int i = 0; i < in.size(); i++) {
                assertArrayEquals(in.get(i), got.get(i), flow + " packet " + i);
            }
        }
        assertTrue(c.superPackets() > 100, "joining happened: " + c.superPackets());
    }

    /** A packet's flow for the property test: its protocol and ports, or "junk" for what is no IPv6 packet of ours. */
    private static String flowOf(byte[] p) {
        if (p.length < 48 || (p[0] & 0xF0) != 0x60) {
            return "junk";
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        return p[6] + ":" + (b.getShort(40) & 0xFFFF) + ">" + (b.getShort(42) & 0xFFFF);
    }

    /** What the kernel makes of a UDP super-packet: a datagram per gso_size bytes, with its length and checksum. */
    private static List<byte[]> splitUdp(Written w) {
        byte[] p = w.packet();
        List<byte[]> out = new ArrayList<>();
        for (int at = 48; at < p.length; at += w.gsoSize()) {
            byte[] chunk = java.util.Arrays.copyOfRange(p, at, Math.min(p.length, at + w.gsoSize()));
            ByteBuffer b = ByteBuffer.wrap(p);
            byte[] src = java.util.Arrays.copyOfRange(p, 8, 24);
            byte[] dst = java.util.Arrays.copyOfRange(p, 24, 40);
            out.add(udp(src, dst, b.getShort(40) & 0xFFFF, b.getShort(42) & 0xFFFF, chunk));
        }
        return out;
    }

    @Test
    void aChecksumTheKernelLeftPartialIsCompleted() {
        byte[] p = tcp(A, B, 5, 80, 1, 2, TcpOffload.ACK, 500, TIMESTAMPS, new byte[333]);
        byte[] right = p.clone();
        ByteBuffer b = ByteBuffer.allocateDirect(p.length).put(p);
        b.putShort(40 + 16, (short) TcpOffload.fold(TcpOffload.pseudoHeader(b, 0, p.length - 40, 6)));
        assertTrue(TcpOffload.completeChecksum(b, 0, p.length, 40, 16));
        byte[] done = new byte[p.length];
        b.get(0, done);
        assertArrayEquals(right, done);
        assertFalse(TcpOffload.completeChecksum(b, 0, p.length, p.length - 1, 16), "offsets beyond the packet are refused");
    }

    @Test
    void theSegmenterRefusesWhatIsNotIpv6TcpWithAPayload() {
        TcpOffload.Segmenter s = new TcpOffload.Segmenter();
        byte[] noPayload = tcp(A, B, 5, 80, 1, 2, TcpOffload.ACK, 500, new byte[0], new byte[0]);
        ByteBuffer b = ByteBuffer.allocateDirect(100).put(noPayload);
        assertFalse(s.start(b, 0, noPayload.length, 40, 1000));
        assertFalse(s.hasNext());
        b.put(0, (byte) 0x45);
        assertFalse(s.start(b, 0, noPayload.length, 40, 1000));
        assertFalse(s.start(b, 0, noPayload.length, 40, 0));
    }

    /** The node's IPv4 service (protocol.md 11.6): an IPv4 TCP super-packet (TSO4) split as the sender would have sent it. */
    @Test
    void anIpv4SuperPacketIsSplitWithItsOwnLengthsIdentificationsAndChecksums() {
        int payload = 4000;
        int mss = 1340;
        ByteBuffer b = ByteBuffer.allocateDirect(20 + 20 + payload);
        b.put(0, (byte) 0x45).putShort(2, (short) (40 + payload)).putShort(4, (short) 0xFFFE).putShort(6, (short) 0x4000);
        b.put(8, (byte) 64).put(9, (byte) 6).put(12, new byte[] { 10, 79, 0, 2 }).put(16, new byte[] { 100, 127, 0, 1 });
        b.putShort(20, (short) 40000).putShort(22, (short) 80).putInt(24, 1000).putInt(28, 77).put(32, (byte) 0x50)
                .put(33, (byte) (TcpOffload.ACK | TcpOffload.PSH | TcpOffload.FIN));
        for (int i = 0; i < payload; i++) {
            b.put(40 + i, (byte) i);
        }
        TcpOffload.Segmenter s = new TcpOffload.Segmenter();
        assertTrue(s.start(b, 0, 40 + payload, 20, mss));
        ByteBuffer out = ByteBuffer.allocateDirect(2000);
        int sent = 0;
        for (int n = 0; s.hasNext(); n++) {
            out.clear();
            int len = s.next(out);
            int chunk = Math.min(mss, payload - sent);
            assertEquals(40 + chunk, len);
            assertEquals(len, out.getShort(2) & 0xFFFF, "its own total length");
            assertEquals((0xFFFE + n) & 0xFFFF, out.getShort(4) & 0xFFFF, "its own identification");
            assertEquals(0xFFFF, TcpOffload.fold(TcpOffload.sum(out, 0, 20, 0)), "its header checksum");
            long pseudo = TcpOffload.sum(out, 12, 20, (len - 20) + 6);
            assertEquals(0xFFFF, TcpOffload.fold(TcpOffload.sum(out, 20, len, pseudo)), "its TCP checksum");
            assertEquals(1000 + sent, out.getInt(24));
            boolean last = sent + chunk == payload;
            assertEquals(last, (out.get(33) & TcpOffload.FIN) != 0, "FIN on the last only");
            for (int i = 0; i < chunk; i++) {
                assertEquals((byte) (sent + i), out.get(40 + i));
            }
            sent += chunk;
        }
        assertEquals(payload, sent);
    }
}
