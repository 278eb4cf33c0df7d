package org.ntmgate.node.impl;

import java.net.InetAddress;

import io.netty.channel.embedded.EmbeddedChannel;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.role.MemoryQueue;
import org.ntmgate.table.TableFixture;

/**
 * The node's IPv4 service without a device or a tunnel end, for the fuzz tests ({@link Ipv4OutFuzzTest},
 * {@link Ipv4InFuzzTest}): a pool with one peer mapped, a path to it, the translator on a queue in memory.
 */
class Ipv4Rig {
    static final byte[] SELF = bytes("fd4e:746d:0:1::5");
    static final byte[] PEER = bytes("fd4e:746d:0:2::1");
    static final byte[] SELF4 = bytes("10.201.0.5");

    final NodeCounters counters = new NodeCounters();
    final MemoryQueue queue = new MemoryQueue();
    final EmbeddedChannel udp = new EmbeddedChannel();
    final VirtualIpv4 pool = new VirtualIpv4(Prefix.parse("100.127.0.0/24"));
    final LanTranslator flows = new LanTranslator(null, SELF, 61000, 61999);
    final Ipv4Service service = new Ipv4Service(pool, flows, SELF4, Prefix.parse("192.168.1.0/24"));
    final ToTunnel toTunnel;
    final byte[] peer4;

    Ipv4Rig() {
        pool.table(TableFixture.open(100, 300));
        peer4 = pool.map(PEER, EntryOwner.of(1, 2)).getAddress();
        NodeTunnels tunnels = new NodeTunnels();
        tunnels.add(new NodePath(2, "files.lab.example", PEER, new byte[32], 1, 3600, new java.net.InetSocketAddress("203.0.113.1", 4712), 1400,
                System.currentTimeMillis()));
        toTunnel = new ToTunnel(tunnels, counters, new FromTunnel.Link(queue, flows, SELF, service));
    }

    long accounted() {
        return counters.packets(NodeCounters.SENT) + drops() + counters.locals();
    }

    long drops() {
        return counters.drops().values().stream().mapToLong(Long::longValue).sum();
    }

    static byte[] ipv4Mapped(byte[] v4) {
        byte[] a = new byte[16];
        a[10] = (byte) 0xFF;
        a[11] = (byte) 0xFF;
        System.arraycopy(v4, 0, a, 12, 4);
        return a;
    }

    private static byte[] bytes(String text) {
        try {
            return InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
