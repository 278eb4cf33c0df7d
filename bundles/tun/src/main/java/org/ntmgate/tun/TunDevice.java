package org.ntmgate.tun;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import com.sun.jna.LastErrorException;

/**
 * A Linux TUN device (layer 3, no packet-information header), created in the network namespace of the calling
 * thread, with one or more queues ({@code IFF_MULTI_QUEUE}: the kernel spreads flows over them, one reader thread per
 * queue). Addresses, MTU and link state are set with the classic interface ioctls, so no external tool is needed.
 * The device disappears when it is closed (it is not persistent).
 */
public final class TunDevice implements AutoCloseable {
    public static final String DEVICE = "/dev/net/tun";
    static final long TUNSETIFF = 0x400454caL;
    static final long SIOCGIFFLAGS = 0x8913;
    static final long SIOCSIFFLAGS = 0x8914;
    static final long SIOCSIFADDR = 0x8916;
    static final long SIOCSIFNETMASK = 0x891c;
    static final long SIOCSIFMTU = 0x8922;
    static final long SIOCADDRT = 0x890B;
    static final long SIOCDELRT = 0x890C;
    static final long SIOCDIFADDR = 0x8936;
    private static final int RTF_UP = 0x1;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_MULTI_QUEUE = 0x0100;
    static final short IFF_VNET_HDR = 0x4000;
    static final long TUNSETOFFLOAD = 0x400454d0L;
    /** Offloads we take on reads: partial checksums and TCP super-packets of IPv6 (15.7) and IPv4 (the node's IPv4 service). */
    static final long TUN_F_CSUM_TSO = 0x01 | 0x02 | 0x04; // TUN_F_CSUM, TUN_F_TSO4, TUN_F_TSO6
    /** TUN_F_USO4 | TUN_F_USO6 (Linux 6.2 on): only probed, as the sign that the kernel takes UDP super-packets on writes. */
    static final long TUN_F_USO = 0x20 | 0x40;
    static final short IFF_UP = 0x1;
    static final int IFNAMSIZ = 16;

    private final String name;
    private final List<TunQueue> queues;

    private TunDevice(String name, List<TunQueue> queues) {
        this.name = name;
        this.queues = queues;
    }

    /** Creates TUN device {@code name} (at most 15 characters) with {@code queues} queues, through {@link #DEVICE}. */
    public static TunDevice open(String name, int queues) throws TunException {
        return open(name, queues, false, DEVICE);
    }

    /**
     * Creates TUN device {@code name} with {@code queues} queues and, if {@code offload}, the kernel's offloads
     * (protocol.md 15.7: {@code IFF_VNET_HDR}, partial checksums and IPv6 TCP super-packets on reads, super-packets
     * on {@link TunQueue#offer}); the queues still read and write plain IP packets for their callers.
     */
    public static TunDevice open(String name, int queues, boolean offload) throws TunException {
        return open(name, queues, offload, DEVICE);
    }

    static TunDevice open(String name, int queues, String device) throws TunException {
        return open(name, queues, false, device);
    }

    static TunDevice open(String name, int queues, boolean offload, String device) throws TunException {
        if (name.isEmpty() || name.getBytes(StandardCharsets.US_ASCII).length >= IFNAMSIZ || !name.matches("[A-Za-z0-9_.-]+")) {
            throw new TunException("'" + name + "' is not an interface name (1-15 letters, digits, '_', '.', '-')", LibC.EINVAL);
        }
        if (queues < 1 || queues > 16) {
            throw new TunException("a TUN device has 1 to 16 queues here, not " + queues, LibC.EINVAL);
        }
        List<TunQueue> opened = new ArrayList<>();
        try {
            for (int i = 0; i < queues; i++) {
                int fd;
                try {
                    fd = LibC.open(device, LibC.O_RDWR | LibC.O_CLOEXEC | LibC.O_NONBLOCK);
                } catch (LastErrorException e) {
                    throw failure("opening " + device, e.getErrorCode());
                }
                TunQueue q = new TunQueue(fd, offload);
                opened.add(q);
                byte[] ifr = ifreq(name);
                ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putShort(IFNAMSIZ,
                        (short) (IFF_TUN | IFF_NO_PI | (queues > 1 ? IFF_MULTI_QUEUE : 0) | (offload ? IFF_VNET_HDR : 0)));
                try {
                    LibC.ioctl(fd, TUNSETIFF, ifr);
                } catch (LastErrorException e) {
                    throw failure("creating TUN device " + name, e.getErrorCode());
                }
                if (offload) {
                    try {
                        LibC.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM_TSO);
                    } catch (LastErrorException e) {
                        throw failure("switching on the offloads of TUN device " + name, e.getErrorCode());
                    }
                    q.joinUdp(takesUdpSuperPackets(fd, name));
                }
            }
        } catch (TunException e) {
            opened.forEach(TunQueue::close);
            throw e;
        }
        return new TunDevice(name, List.copyOf(opened));
    }

    /**
     * 15.7: a kernel that knows UDP segmentation offload on TUN devices (it accepts TUN_F_USO*) also takes UDP
     * super-packets (GSO_UDP_L4) written to them; older ones refuse such writes. The probe leaves the offloads as
     * they were: UDP super-packets are not asked for on reads.
     */
    private static boolean takesUdpSuperPackets(int fd, String name) throws TunException {
        try {
            LibC.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM_TSO | TUN_F_USO);
        } catch (LastErrorException e) {
            return false;
        }
        try {
            LibC.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM_TSO);
        } catch (LastErrorException e) {
            throw failure("setting the offloads of TUN device " + name + " back after probing", e.getErrorCode());
        }
        return true;
    }

    /** Turns an errno into a message that says what to do. */
    static TunException failure(String what, int errno) {
        String why = switch (errno) {
            case LibC.EPERM, LibC.EACCES -> "not permitted: TUN devices need root or CAP_NET_ADMIN";
            case LibC.ENOENT -> DEVICE + " is missing: the kernel has no TUN support (CONFIG_TUN) or the device node was not created"
                    + " (mknod /dev/net/tun c 10 200)";
            case LibC.EBUSY -> "the name is taken by an interface that is not a TUN device of ours";
            case LibC.EINVAL -> "the kernel refused the request (an existing device of that name with other flags or queues?)";
            default -> LibC.strerror(errno);
        };
        return new TunException(what + " failed: " + why + " (errno " + errno + ")", errno);
    }

    private static byte[] ifreq(String name) {
        byte[] ifr = new byte[40];
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(n, 0, ifr, 0, n.length);
        return ifr;
    }

    public String name() {
        return name;
    }

    public int queues() {
        return queues.size();
    }

    public TunQueue queue(int i) {
        return queues.get(i);
    }

    /** Sets the MTU and brings the link up. */
    public void up(int mtu) throws TunException {
        int s = socket(LibC.AF_INET);
        try {
            byte[] ifr = ifreq(name);
            ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putInt(IFNAMSIZ, mtu);
            ioctl(s, SIOCSIFMTU, ifr, "setting the MTU of " + name + " to " + mtu);
            ifr = ifreq(name);
            ioctl(s, SIOCGIFFLAGS, ifr, "reading the flags of " + name);
            ByteBuffer b = ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder());
            b.putShort(IFNAMSIZ, (short) (b.getShort(IFNAMSIZ) | IFF_UP));
            ioctl(s, SIOCSIFFLAGS, ifr, "bringing " + name + " up");
        } finally {
            closeQuietly(s);
        }
    }

    /**
     * Adds an address with its prefix length (which also routes the prefix to this device). An IPv6 address is usable
     * at once: duplicate address detection is switched off for the device first (a point-to-point TUN device has no
     * neighbour to collide with, and a tentative address could not be bound for a second or so).
     */
    public void addAddress(InetAddress address, int prefixLength) throws TunException {
        if (address instanceof Inet6Address) {
            if (prefixLength < 0 || prefixLength > 128) {
                throw new TunException("an IPv6 prefix length is 0-128, not " + prefixLength, LibC.EINVAL);
            }
            noDuplicateAddressDetection();
            byte[] in6 = in6ifreq(address, prefixLength);
            int s = socket(LibC.AF_INET6);
            try {
                ioctl(s, SIOCSIFADDR, in6, "adding " + address.getHostAddress() + "/" + prefixLength + " to " + name);
            } finally {
                closeQuietly(s);
            }
        } else if (address instanceof Inet4Address) {
            if (prefixLength < 0 || prefixLength > 32) {
                throw new TunException("an IPv4 prefix length is 0-32, not " + prefixLength, LibC.EINVAL);
            }
            int s = socket(LibC.AF_INET);
            try {
                ioctl(s, SIOCSIFADDR, sockaddr(name, address.getAddress()), "adding " + address.getHostAddress() + " to " + name);
                int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
                byte[] m = { (byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask };
                ioctl(s, SIOCSIFNETMASK, sockaddr(name, m), "setting the netmask /" + prefixLength + " on " + name);
            } finally {
                closeQuietly(s);
            }
        }
    }

    /** accept_dad 0 for this device, in the network namespace of the calling thread; a failure leaves DAD on. */
    private void noDuplicateAddressDetection() {
        try {
            java.nio.file.Files.writeString(java.nio.file.Path.of("/proc/sys/net/ipv6/conf", name, "accept_dad"), "0");
        } catch (java.io.IOException | RuntimeException e) {
            // not fatal: the address is usable once DAD completes
        }
    }

    /** Removes an IPv6 address added with {@link #addAddress} (and with it the route of its prefix). */
    public void removeAddress(Inet6Address address, int prefixLength) throws TunException {
        int s = socket(LibC.AF_INET6);
        try {
            ioctl(s, SIOCDIFADDR, in6ifreq(address, prefixLength), "removing " + address.getHostAddress() + "/" + prefixLength + " from " + name);
        } finally {
            closeQuietly(s);
        }
    }

    /**
     * Routes an IPv6 prefix to this device (no gateway: the device is point-to-point), with the given metric. Used by
     * roles whose traffic is for prefixes other than their address's own (a Teredo client's 2000::/3).
     */
    public void addRoute(Inet6Address prefix, int prefixLength, int metric) throws TunException {
        route(SIOCADDRT, "routing ", prefix, prefixLength, metric);
    }

    /**
     * Routes an IPv4 prefix to this device (protocol.md 11.3: the node's IPv4 pool), with the given metric. The IPv4
     * ioctl takes the device by name through a pointer, so its struct rtentry is built in native memory.
     */
    public void addRoute(Inet4Address prefix, int prefixLength, int metric) throws TunException {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new TunException("an IPv4 prefix length is 0-32, not " + prefixLength, LibC.EINVAL);
        }
        // struct rtentry (x86_64): rt_pad1 at 0, rt_dst 8, rt_gateway 24, rt_genmask 40 (struct sockaddr each),
        // rt_flags 56 (u16), rt_metric 80 (short), rt_dev 88 (char *): 120 bytes
        com.sun.jna.Memory rt = new com.sun.jna.Memory(120);
        com.sun.jna.Memory dev = new com.sun.jna.Memory(name.length() + 1);
        rt.clear();
        dev.setString(0, name, "US-ASCII");
        int mask = prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
        byte[] m = { (byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask };
        rt.setShort(8, (short) LibC.AF_INET);
        rt.write(12, prefix.getAddress(), 0, 4);
        rt.setShort(40, (short) LibC.AF_INET);
        rt.write(44, m, 0, 4);
        rt.setShort(56, (short) RTF_UP);
        rt.setShort(80, (short) (metric + 1)); // the kernel stores rt_metric - 1
        rt.setPointer(88, dev);
        int s = socket(LibC.AF_INET);
        try {
            LibC.ioctl(s, SIOCADDRT, rt);
        } catch (LastErrorException e) {
            throw failure("routing " + prefix.getHostAddress() + "/" + prefixLength + " to " + name, e.getErrorCode());
        } finally {
            closeQuietly(s);
        }
    }

    /** Removes a route added with {@link #addRoute}. */
    public void removeRoute(Inet6Address prefix, int prefixLength, int metric) throws TunException {
        route(SIOCDELRT, "removing the route of ", prefix, prefixLength, metric);
    }

    private void route(long request, String what, Inet6Address prefix, int prefixLength, int metric) throws TunException {
        if (prefixLength < 0 || prefixLength > 128) {
            throw new TunException("an IPv6 prefix length is 0-128, not " + prefixLength, LibC.EINVAL);
        }
        // struct in6_rtmsg: dst, src, gateway (in6_addr each), __u32 type, __u16 dst_len, __u16 src_len, __u32 metric,
        // unsigned long info (8-aligned at 64), __u32 flags, int ifindex: 80 bytes on x86_64
        byte[] rt = new byte[80];
        System.arraycopy(prefix.getAddress(), 0, rt, 0, 16);
        ByteBuffer b = ByteBuffer.wrap(rt).order(ByteOrder.nativeOrder());
        b.putShort(52, (short) prefixLength).putInt(56, metric).putInt(72, RTF_UP).putInt(76, index());
        int s = socket(LibC.AF_INET6);
        try {
            ioctl(s, request, rt, what + prefix.getHostAddress() + "/" + prefixLength + (request == SIOCADDRT ? " to " : " from ") + name);
        } finally {
            closeQuietly(s);
        }
    }

    private int index() throws TunException {
        int index = LibC.if_nametoindex(name);
        if (index == 0) {
            throw new TunException("interface " + name + " is gone", LibC.ENOENT);
        }
        return index;
    }

    /** struct in6_ifreq: in6_addr, __u32 prefixlen, int ifindex. */
    private byte[] in6ifreq(InetAddress address, int prefixLength) throws TunException {
        byte[] in6 = new byte[24];
        System.arraycopy(address.getAddress(), 0, in6, 0, 16);
        ByteBuffer.wrap(in6).order(ByteOrder.nativeOrder()).putInt(16, prefixLength).putInt(20, index());
        return in6;
    }

    /** ifreq with a sockaddr_in: family (host order), port 0, address (network order). */
    private static byte[] sockaddr(String name, byte[] address) {
        byte[] ifr = ifreq(name);
        ByteBuffer.wrap(ifr).order(ByteOrder.nativeOrder()).putShort(IFNAMSIZ, (short) LibC.AF_INET);
        System.arraycopy(address, 0, ifr, IFNAMSIZ + 4, 4);
        return ifr;
    }

    private static int socket(int family) throws TunException {
        try {
            return LibC.socket(family, LibC.SOCK_DGRAM, 0);
        } catch (LastErrorException e) {
            throw failure("opening a control socket", e.getErrorCode());
        }
    }

    private static void ioctl(int fd, long request, byte[] arg, String what) throws TunException {
        try {
            LibC.ioctl(fd, request, arg);
        } catch (LastErrorException e) {
            throw failure(what, e.getErrorCode());
        }
    }

    private static void closeQuietly(int fd) {
        try {
            LibC.close(fd);
        } catch (LastErrorException e) {
            // nothing to do
        }
    }

    /** Closes every queue; the device goes away with the last one. */
    @Override
    public void close() {
        queues.forEach(TunQueue::close);
    }
}
