package org.ntmgate.tun;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;

/** Echo requests built by hand for the TUN tests (the packet bundle is not a dependency of this one). */
final class Packets {
    private Packets() {
    }

    static byte[] icmpv6Echo(String src, String dst, int seq) throws UnknownHostException {
        byte[] s = InetAddress.getByName(src).getAddress();
        byte[] d = InetAddress.getByName(dst).getAddress();
        ByteBuffer b = ByteBuffer.allocate(40 + 16);
        b.putInt(0x60000000).putShort((short) 16).put((byte) 58).put((byte) 64).put(s).put(d);
        b.put((byte) 128).put((byte) 0).putShort((short) 0).putShort((short) 0x1234).putShort((short) seq).putLong(0x0123456789abcdefL);
        byte[] p = b.array();
        ByteBuffer pseudo = ByteBuffer.allocate(40 + 16).put(s).put(d).putInt(16).putInt(58).put(p, 40, 16);
        int sum = checksum(pseudo.array());
        p[42] = (byte) (sum >> 8);
        p[43] = (byte) sum;
        return p;
    }

    static byte[] icmpEcho(String src, String dst, int seq) throws UnknownHostException {
        ByteBuffer b = ByteBuffer.allocate(20 + 16);
        b.put((byte) 0x45).put((byte) 0).putShort((short) 36).putShort((short) 1).putShort((short) 0x4000).put((byte) 64).put((byte) 1)
                .putShort((short) 0).put(InetAddress.getByName(src).getAddress()).put(InetAddress.getByName(dst).getAddress());
        b.put((byte) 8).put((byte) 0).putShort((short) 0).putShort((short) 0x4321).putShort((short) seq).putLong(0x0123456789abcdefL);
        byte[] p = b.array();
        int h = checksum(java.util.Arrays.copyOf(p, 20));
        p[10] = (byte) (h >> 8);
        p[11] = (byte) h;
        int c = checksum(java.util.Arrays.copyOfRange(p, 20, 36));
        p[22] = (byte) (c >> 8);
        p[23] = (byte) c;
        return p;
    }

    /** RFC 1071 over an even number of bytes. */
    static int checksum(byte[] data) {
        long sum = 0;
        for (int i = 0; i + 1 < data.length; i += 2) {
            sum += ((data[i] & 0xFF) << 8) | (data[i + 1] & 0xFF);
        }
        while ((sum >> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
