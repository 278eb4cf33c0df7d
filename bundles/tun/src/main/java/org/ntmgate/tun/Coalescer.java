package org.ntmgate.tun;

import static org.ntmgate.tun.TcpOffload.ACK;
import static org.ntmgate.tun.TcpOffload.HEADER;
import static org.ntmgate.tun.TcpOffload.IPV6;
import static org.ntmgate.tun.TcpOffload.PSH;
import static org.ntmgate.tun.TcpOffload.TCP;
import static org.ntmgate.tun.TcpOffload.UDP;

import java.nio.ByteBuffer;

/**
 * Joins consecutive TCP segments (or UDP datagrams) of one IPv6 flow into one super-packet for a TUN device with
 * offloads (protocol.md 15.7), as the kernel's own GRO does for a network card: the kernel then forwards or delivers
 * 64 KB at once instead of forty-odd packets, each with its system call. A TCP segment joins the super-packet of its
 * flow when the IPv6 header (but the length), the acknowledgement, the TCP options and header length are the same,
 * its sequence number follows on, its checksum is right (a wrong one must not become the kernel-trusted partial
 * checksum), it carries ACK and at most PSH, and no earlier segment was shorter or pushed. A UDP datagram joins when
 * it has the first one's length (a shorter one ends the super-packet) and a right, non-zero checksum. Anything else
 * is written as it is, after the pending super-packet of its own flow, so a flow's order is kept. A few flows are
 * held at once; every flow is written by {@link #flush}, which the caller does at the end of each batch it received.
 */
final class Coalescer {
    /** Where finished packets go: the virtio header and the packet between position and limit. */
    interface Sink {
        void write(ByteBuffer headerAndPacket) throws TunException;
    }

    private static final int SLOTS = 4;
    private static final int MAX_SEGMENTS = 64;

    private static final class Slot {
        final ByteBuffer buf = ByteBuffer.allocateDirect(HEADER + TcpOffload.MAX_PACKET);
        int length; // IP bytes held, from HEADER on
        int segments;
        int mss;
        int thl;
        boolean udp;
        int nextSeq;
        boolean ended;
    }

    private final Sink sink;
    private final Slot[] slots = new Slot[SLOTS];
    private final ByteBuffer single = ByteBuffer.allocateDirect(HEADER + TcpOffload.MAX_PACKET);
    private int victim;
    /** Whether the kernel takes UDP super-packets (GSO_UDP_L4 on writes: Linux 6.2 on); without, UDP is written alone. */
    private boolean joinUdp = true;
    private long superPackets;
    private long joined;

    Coalescer(Sink sink) {
        this.sink = sink;
        TcpOffload.writeHeader(single, 0, 0, TcpOffload.GSO_NONE, 0, 0, 0, 0); // what goes alone asks the kernel for nothing
        for (int i = 0; i < SLOTS; i++) {
            slots[i] = new Slot();
        }
    }

    void joinUdp(boolean on) {
        joinUdp = on;
    }

    /** Super-packets written so far, and segments that went into them. */
    long superPackets() {
        return superPackets;
    }

    long joined() {
        return joined;
    }

    /** Takes the IP packet between {@code p}'s position and limit (its checksums complete); writes it now or later. */
    void offer(ByteBuffer p) throws TunException {
        int at = p.position();
        int len = p.remaining();
        int proto = len >= IPV6 + 8 && (p.get(at) & 0xF0) == 0x60 && (p.getShort(at + 4) & 0xFFFF) + IPV6 == len ? p.get(at + 6) : -1;
        boolean udp = proto == UDP && joinUdp;
        boolean tcp = proto == TCP && len >= IPV6 + 20;
        Slot flow = null;
        if (tcp || udp) {
            for (Slot s : slots) {
                if (s.segments > 0 && s.udp == udp && sameFlow(s.buf, p, at)) {
                    flow = s;
                    break;
                }
            }
        }
        int l4 = at + IPV6;
        int thl = tcp ? ((p.get(l4 + 12) >> 4) & 0xF) * 4 : 8;
        int flags = tcp ? p.get(l4 + 13) & 0xFF : 0;
        int payload = len - IPV6 - thl;
        boolean joinable = (tcp ? thl >= 20 && (flags & ~PSH) == ACK
                : udp && (p.getShort(l4 + 4) & 0xFFFF) == len - IPV6 && p.getShort(l4 + 6) != 0)
                && payload > 0 && TcpOffload.checksumOk(p, at, l4, at + len, proto);
        if (!joinable) {
            if (flow != null) {
                write(flow);
            }
            writeAlone(p);
            return;
        }
        if (flow != null && canJoin(flow, p, at, thl, payload)) {
            Slot s = flow;
            s.buf.put(HEADER + s.length, p, l4 + thl, payload);
            s.length += payload;
            s.nextSeq += payload;
            s.segments++;
            int head = HEADER + IPV6;
            if (tcp) {
                s.buf.putShort(head + 14, p.getShort(l4 + 14)); // the newest window
            }
            if ((flags & PSH) != 0) {
                s.buf.put(head + 13, (byte) (s.buf.get(head + 13) | PSH));
            }
            s.ended = (flags & PSH) != 0 || payload < s.mss;
            if (s.ended || s.segments >= MAX_SEGMENTS) {
                write(s);
            }
            return;
        }
        if (flow != null) {
            write(flow);
        } else {
            flow = free();
        }
        Slot s = flow;
        s.buf.put(HEADER, p, at, len);
        s.length = len;
        s.segments = 1;
        s.udp = udp;
        s.mss = payload;
        s.thl = thl;
        s.nextSeq = tcp ? p.getInt(l4 + 4) + payload : 0;
        s.ended = (flags & PSH) != 0;
        if (s.ended) {
            write(s);
        }
    }

    /** Writes every pending super-packet. */
    void flush() throws TunException {
        for (Slot s : slots) {
            if (s.segments > 0) {
                write(s);
            }
        }
    }

    private static boolean sameFlow(ByteBuffer held, ByteBuffer p, int at) {
        int h = HEADER;
        for (int i = 8; i < IPV6; i += 8) { // source and destination addresses
            if (held.getLong(h + i) != p.getLong(at + i)) {
                return false;
            }
        }
        return held.getInt(h + IPV6) == p.getInt(at + IPV6); // the two ports
    }

    private static boolean canJoin(Slot s, ByteBuffer p, int at, int thl, int payload) {
        int h = HEADER;
        if (s.ended || thl != s.thl || payload > s.mss || s.length + payload > TcpOffload.MAX_PACKET) {
            return false;
        }
        if (s.buf.getInt(h) != p.getInt(at) || s.buf.get(h + 7) != p.get(at + 7)) {
            return false; // traffic class, flow label, hop limit
        }
        if (s.udp) {
            return true; // a datagram of the same length (or a shorter last one): the kernel cuts them apart again
        }
        int t = h + IPV6;
        int u = at + IPV6;
        if (p.getInt(u + 4) != s.nextSeq || s.buf.getInt(t + 8) != p.getInt(u + 8)) {
            return false;
        }
        for (int i = 20; i < thl; i += 4) {
            if (s.buf.getInt(t + i) != p.getInt(u + i)) {
                return false; // the options (timestamps) differ
            }
        }
        return true;
    }

    private Slot free() throws TunException {
        for (Slot s : slots) {
            if (s.segments == 0) {
                return s;
            }
        }
        Slot s = slots[victim];
        victim = (victim + 1) % SLOTS;
        write(s);
        return s;
    }

    private void write(Slot s) throws TunException {
        ByteBuffer b = s.buf;
        int ip = HEADER;
        if (s.segments == 1) {
            TcpOffload.writeHeader(b, 0, 0, TcpOffload.GSO_NONE, 0, 0, 0, 0);
        } else {
            int upper = s.length - IPV6;
            b.putShort(ip + 4, (short) upper);
            // the kernel completes the checksum of every segment it makes from the pseudo-header's sum (15.7)
            int partial = TcpOffload.fold(TcpOffload.pseudoHeader(b, ip, upper, s.udp ? UDP : TCP));
            if (s.udp) {
                b.putShort(ip + IPV6 + 4, (short) upper).putShort(ip + IPV6 + 6, (short) partial);
            } else {
                b.putShort(ip + IPV6 + 16, (short) partial);
            }
            TcpOffload.writeHeader(b, 0, TcpOffload.F_NEEDS_CSUM, s.udp ? TcpOffload.GSO_UDP_L4 : TcpOffload.GSO_TCPV6, IPV6 + s.thl, s.mss, IPV6,
                    s.udp ? 6 : 16);
            superPackets++;
            joined += s.segments;
        }
        b.clear().limit(HEADER + s.length);
        s.segments = 0;
        s.length = 0;
        try {
            sink.write(b);
        } finally {
            b.clear(); // the next super-packet may be longer than this one
        }
    }

    /** Writes {@code p} as it is, now (the caller flushed what its flow had pending). */
    void writeAlone(ByteBuffer p) throws TunException {
        single.put(HEADER, p, p.position(), p.remaining());
        single.limit(HEADER + p.remaining());
        try {
            sink.write(single);
        } finally {
            single.clear();
        }
    }
}
