package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.osgi.framework.Bundle;
import org.osgi.framework.ServiceReference;

/** The DC role switched on through ConfigAdmin, registering a node over UDP with addresses from the real pools. */
class DirectionCoordinatorTest extends RoleTest {
    @Override
    String pid() {
        return "org.ntmgate.dc";
    }

    private NodeRegistry registry() {
        ServiceReference<NodeRegistry> ref = context.getServiceReference(NodeRegistry.class);
        return ref == null ? null : context.getService(ref);
    }

    private int port() throws Exception {
        Await.until("the DC serving", WAIT, () -> run("dc:status").contains("\nserving on udp"));
        Matcher m = Pattern.compile(":(\\d+) \\((epoll|NIO)\\);").matcher(run("dc:status"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    /** Switches the DC on, on a free loopback port, with extra properties; returns the port. */
    private int configure(Object... extra) throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("bindAddress", "127.0.0.1");
        p.put("port", 0);
        p.put("asDcKeyId", 3);
        p.put("asDcKey", K_AD);
        for (int i = 0; i < extra.length; i += 2) {
            p.put((String) extra[i], extra[i + 1]);
        }
        cm.getConfiguration("org.ntmgate.dc", "?").update(p);
        return port();
    }

    @Test
    void aNodeRegistersWithPoolAddressesAndStaysRegisteredAcrossAnUpdateOfTheDcBundle() throws Exception {
        int port = configure();

        long nodeId;
        try (UdpPeer node = new UdpPeer("mn.itest.example.net", new InetSocketAddress("127.0.0.1", port))) {
            nodeId = node.nodeId;
            Message r = node.register(new InetSocketAddress("192.168.1.20", 50000), K_AD);
            assertEquals(MessageType.REGISTER_RESPONSE, r.type());
            assertTrue(r.address(TlvType.VIRTUAL_V4).getHostAddress().startsWith("10.201."), "from the shipped node-v4 pool");
            assertTrue(r.address(TlvType.VIRTUAL_V6).getHostAddress().startsWith("fd4e:746d:0:1:"), "from the shipped node-v6 pool");
        }
        NodeRecord before = registry().byFqdn("mn.itest.example.net").orElseThrow();
        assertTrue(before.behindNat(), "it reported 192.168.1.20:50000, the DC saw 127.0.0.1");
        assertTrue(run("dc:nodes").contains("mn.itest.example.net"));

        Bundle dc = Stream.of(context.getBundles()).filter(x -> x.getSymbolicName().equals("org.ntmgate.dc")).findFirst().orElseThrow();
        dc.update();
        Await.until("the DC back after its update", WAIT, () -> registry() != null && registry().byId(nodeId).isPresent());
        NodeRecord after = registry().byId(nodeId).orElseThrow();
        assertEquals(before.virtualV4(), after.virtualV4());
        assertEquals(before.virtualV6(), after.virtualV6());
        assertEquals(before.registeredAt(), after.registeredAt());
    }

    @Test
    void twoNodesBehindNatsAreRelayedWithinTheLimitsOfTheRelayPolicyService() throws Exception {
        String kDr = "d0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeef";
        Kept shippedPolicy = Kept.of(cm, "org.ntmgate.policy");
        try (UdpPeer rsn = new UdpPeer("rsn-1", null, 11, HexFormat.of().parseHex(kDr))) {
            int port = configure("relays", new String[] { "rsn-1 127.0.0.1:" + rsn.local().getPort() + " 11 " + kDr });
            InetSocketAddress dc = new InetSocketAddress("127.0.0.1", port);
            rsn.to = dc;
            assertTrue(run("dc:status").contains("(epoll)"), "Netty's native epoll fragment resolves and loads in the framework: "
                    + run("dc:status"));
            try (UdpPeer c = new UdpPeer("c.itest.example.net", dc); UdpPeer d = new UdpPeer("d.itest.example.net", dc)) {
                assertEquals(MessageType.REGISTER_RESPONSE, c.register(new InetSocketAddress("192.168.1.20", 50000), K_AD).type());
                assertEquals(MessageType.REGISTER_RESPONSE, d.register(new InetSocketAddress("192.168.7.9", 50000), K_AD).type());

                c.direction("d.itest.example.net", 6);
                Message relay = rsn.receive(MessageType.RELAY_DIRECTION, 10_000);
                assertTrue(relay != null, "the DC picked the RS-N");
                assertEquals(64, ByteBuffer.wrap(relay.bytes(TlvType.RELAY_LIMITS)).getInt(), "the shipped policy's 64 sessions per node");
                rsn.ok(relay, MessageType.RELAY_DIRECTION_ACK);
                Message toD = d.receive(MessageType.ROUTE_DIRECTION, 10_000);
                assertEquals(3, toD.u8(TlvType.ROUTE_MODE), "RELAY");
                d.ok(toD, MessageType.ROUTE_DIRECTION_ACK);
                Message toC = c.receive(MessageType.ROUTE_DIRECTION, 10_000);
                assertEquals(rsn.local(), toC.endpoint(TlvType.ENDPOINT));
                c.ok(toC, MessageType.ROUTE_DIRECTION_ACK);
                assertTrue(run("dc:paths").contains("c.itest.example.net -> d.itest.example.net: both behind NATs: relay rsn-1"),
                        run("dc:paths"));

                // The policy changed in ConfigAdmin applies to the next pick, with a per-node limit and a deny rule.
                Dictionary<String, Object> policy = new Hashtable<>();
                policy.put("nodeLimits", new String[] { "d.itest.example.net sessions=2" });
                cm.getConfiguration("org.ntmgate.policy", "?").update(policy);
                Await.probe("the per-node limit in force", WAIT, () -> {
                    d.direction("c.itest.example.net", 6);
                    Message r = rsn.receive(MessageType.RELAY_DIRECTION, 3000);
                    if (r == null) {
                        return false;
                    }
                    rsn.ok(r, MessageType.RELAY_DIRECTION_ACK);
                    Message toC2 = c.receive(MessageType.ROUTE_DIRECTION, 5000);
                    if (toC2 != null) {
                        c.ok(toC2, MessageType.ROUTE_DIRECTION_ACK);
                    }
                    return ByteBuffer.wrap(r.bytes(TlvType.RELAY_LIMITS)).getInt() == 2;
                });
                policy.put("denyNodes", new String[] { "c.itest.example.net" });
                cm.getConfiguration("org.ntmgate.policy", "?").update(policy);
                Await.probe("the deny rule in force", WAIT, () -> {
                    c.direction("d.itest.example.net", 6);
                    Message e = c.receive(MessageType.ERROR, 3000);
                    return e != null && e.u16(TlvType.ERROR_CODE) == 11
                            && new String(e.bytes(TlvType.ERROR_TEXT)).contains("matches denyNodes entry 'c.itest.example.net'");
                });
            }
        } finally {
            shippedPolicy.restore();
        }
    }
}
