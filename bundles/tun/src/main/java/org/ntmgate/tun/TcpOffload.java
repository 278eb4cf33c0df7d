package org.ntmgate.tun;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The TUN device's offload ABI ({@code IFF_VNET_HDR}, protocol.md 15.7): every packet is preceded by a
 * {@code struct virtio_net_hdr} (10 bytes, host byte order), which lets the kernel hand over and take TCP
 * "super-packets" of up to 64 KB that it splits or has split into segments of {@code gso_size} payload bytes.
 * This class holds the header's layout, the Internet checksum over direct buffers, and the splitting of a TCP
 * super-packet into segments; {@link Coalescer} does the reverse for writes.
 */
final class TcpOffload {
    static final int HEADER = 10;
    static final int F_NEEDS_CSUM = 1;
    static final int GSO_NONE = 0;
    static final int GSO_TCPV4 = 1;
    static final int GSO_TCPV6 = 4;
    static final int GSO_UDP_L4 = 5;
    static final int GSO_ECN = 0x80;
    /** The largest IP packet a super-packet can be (an IPv6 payload length is 16 bits). */
    static final int MAX_PACKET = 40 + 65_535;
    static final int IPV6 = 40;
    static final int TCP = 6;
    static final int UDP = 17;
    static final int FIN = 0x01;
    static final int PSH = 0x08;
    static final int ACK = 0x10;
    static final int CWR = 0x80;

    private TcpOffload() {
    }

    static void writeHeader(ByteBuffer b, int at, int flags, int gsoType, int hdrLen, int gsoSize, int csumStart, int csumOffset) {
        b.put(at, (byte) flags).put(at + 1, (byte) gsoType);
        putU16Native(b, at + 2, hdrLen);
        putU16Native(b, at + 4, gsoSize);
        putU16Native(b, at + 6, csumStart);
        putU16Native(b, at + 8, csumOffset);
    }

    /** A 16-bit field of the virtio header (host byte order), whatever the buffer's own order. */
    static int u16Native(ByteBuffer b, int at) {
        short v = b.getShort(at);
        return (b.order() == ByteOrder.nativeOrder() ? v : Short.reverseBytes(v)) & 0xFFFF;
    }

    private static void putU16Native(ByteBuffer b, int at, int value) {
        short v = (short) value;
        b.putShort(at, b.order() == ByteOrder.nativeOrder() ? v : Short.reverseBytes(v));
    }

    /** Adds the bytes [from, to) of {@code b} (big-endian 16-bit words, from an even offset of the summed data) to {@code acc}. */
    static long sum(ByteBuffer b, int from, int to, long acc) {
        int i = from;
        long a1 = 0;
        long a2 = 0;
        long a3 = 0;
        long a4 = 0;
        while (to - i >= 32) { // four independent sums: twice as fast as one on this path (docs/benchmarks.md)
            long v1 = b.getLong(i);
            long v2 = b.getLong(i + 8);
            long v3 = b.getLong(i + 16);
            long v4 = b.getLong(i + 24);
            a1 += (v1 >>> 32) + (v1 & 0xFFFF_FFFFL);
            a2 += (v2 >>> 32) + (v2 & 0xFFFF_FFFFL);
            a3 += (v3 >>> 32) + (v3 & 0xFFFF_FFFFL);
            a4 += (v4 >>> 32) + (v4 & 0xFFFF_FFFFL);
            i += 32;
        }
        acc += a1 + a2 + a3 + a4;
        while (to - i >= 8) {
            long v = b.getLong(i);
            acc += (v >>> 32) + (v & 0xFFFF_FFFFL);
            i += 8;
        }
        if (to - i >= 4) {
            acc += b.getInt(i) & 0xFFFF_FFFFL;
            i += 4;
        }
        if (to - i >= 2) {
            acc += b.getShort(i) & 0xFFFF;
            i += 2;
        }
        if (to - i == 1) {
            acc += (b.get(i) & 0xFF) << 8;
        }
        return acc;
    }

    static int fold(long acc) {
        while ((acc >>> 16) != 0) {
            acc = (acc & 0xFFFF) + (acc >>> 16);
        }
        return (int) acc;
    }

    /** The IPv6 pseudo-header of the packet at {@code ip} for an upper-layer length (RFC 8200 8.1), not folded. */
    static long pseudoHeader(ByteBuffer b, int ip, int upperLength, int nextHeader) {
        return sum(b, ip + 8, ip + 40, (upperLength & 0xFFFF_FFFFL) + nextHeader);
    }

    /**
     * Completes a checksum the kernel left partial ({@code VIRTIO_NET_HDR_F_NEEDS_CSUM}): the field at
     * {@code start + offset} holds the pseudo-header's sum, and the checksum covers everything from {@code start} on.
     * Returns false when the offsets do not fit the packet.
     */
    static boolean completeChecksum(ByteBuffer b, int ip, int end, int start, int offset) {
        int field = ip + start + offset;
        if (start < 0 || field + 2 > end) {
            return false;
        }
        b.putShort(field, (short) ~fold(sum(b, ip + start, end, 0)));
        return true;
    }

    /** Whether the transport checksum (TCP, UDP) of the IPv6 packet [ip, end), its transport header at {@code l4}, is right. */
    static boolean checksumOk(ByteBuffer b, int ip, int l4, int end, int nextHeader) {
        return fold(sum(b, l4, end, pseudoHeader(b, ip, end - l4, nextHeader))) == 0xFFFF;
    }

    /**
     * Splits an IPv6 or IPv4 TCP super-packet into the segments the sender's stack would have sent (15.7; IPv4: the
     * node's IPv4 service, protocol.md 11.6): each with the headers of the super-packet, its own sequence number and
     * payload length (IPv4: its own identification, the first's plus its index, and header checksum), FIN and PSH on
     * the last one only, CWR on the first only, and a complete checksum. One instance per reader thread.
     */
    static final class Segmenter {
        private ByteBuffer src;
        private int ip;
        private int l4;
        private int headers;
        private int mss;
        private int payloadAt;
        private int end;
        private int next;
        private int seq0;
        private int flags;
        private boolean v4;
        private int id0;
        private int index;

        /**
         * Starts splitting the IPv6 or IPv4 packet [ip, end) of {@code src}, its TCP header at {@code l4}; returns false
         * (nothing to split) when it is not TCP with a payload.
         */
        boolean start(ByteBuffer src, int ip, int end, int l4, int mss) {
            int version = (src.get(ip) & 0xF0) >> 4;
            boolean four = version == 4;
            if (mss <= 0 || l4 < ip + (four ? 20 : IPV6) || l4 + 20 > end || version != 6 && !four
                    || four && (((src.get(ip) & 0x0F) * 4 != l4 - ip) || src.get(ip + 9) != TCP)) {
                return false;
            }
            this.v4 = four;
            this.id0 = four ? src.getShort(ip + 4) & 0xFFFF : 0;
            this.index = 0;
            int thl = ((src.get(l4 + 12) >> 4) & 0xF) * 4;
            if (thl < 20 || l4 + thl >= end) {
                return false;
            }
            this.src = src;
            this.ip = ip;
            this.l4 = l4;
            this.headers = l4 + thl - ip;
            this.mss = mss;
            this.payloadAt = l4 + thl;
            this.end = end;
            this.next = payloadAt;
            this.seq0 = src.getInt(l4 + 4);
            this.flags = src.get(l4 + 13) & 0xFF;
            return true;
        }

        boolean hasNext() {
            return src != null && next < end;
        }

        /** Writes the next segment into {@code dst} from its position; returns its length. */
        int next(ByteBuffer dst) {
            int chunk = Math.min(mss, end - next);
            int at = dst.position();
            int length = headers + chunk;
            dst.put(at, src, ip, headers);
            dst.put(at + headers, src, next, chunk);
            boolean first = next == payloadAt;
            boolean last = next + chunk == end;
            int tcp = at + (l4 - ip);
            dst.putInt(tcp + 4, seq0 + (next - payloadAt));
            int f = flags & ~((last ? 0 : FIN | PSH) | (first ? 0 : CWR));
            dst.put(tcp + 13, (byte) f);
            dst.putShort(tcp + 16, (short) 0);
            long pseudo;
            if (v4) {
                int ihl = tcp - at;
                dst.putShort(at + 2, (short) length);
                dst.putShort(at + 4, (short) (id0 + index++));
                dst.putShort(at + 10, (short) 0);
                dst.putShort(at + 10, (short) ~fold(sum(dst, at, at + ihl, 0)));
                pseudo = sum(dst, at + 12, at + 20, (length - ihl) + TCP); // RFC 793: addresses, protocol, TCP length
            } else {
                dst.putShort(at + 4, (short) (length - IPV6));
                pseudo = pseudoHeader(dst, at, length - (tcp - at), TCP);
            }
            dst.putShort(tcp + 16, (short) ~fold(sum(dst, tcp, at + length, pseudo)));
            dst.position(at + length);
            next += chunk;
            if (next >= end) {
                src = null;
            }
            return length;
        }
    }
}
