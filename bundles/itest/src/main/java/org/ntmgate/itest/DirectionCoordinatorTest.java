package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.HexFormat;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.wire.MacKey;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.Ticket;
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

    private int port() throws InterruptedException {
        Await.until("the DC serving", WAIT, () -> run("dc:status").startsWith("serving on udp"));
        Matcher m = Pattern.compile(":(\\d+);").matcher(run("dc:status"));
        assertTrue(m.find());
        return Integer.parseInt(m.group(1));
    }

    @Test
    void aNodeRegistersWithPoolAddressesAndStaysRegisteredAcrossAnUpdateOfTheDcBundle() throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("bindAddress", "127.0.0.1");
        p.put("port", 0);
        p.put("asDcKeyId", 3);
        p.put("asDcKey", K_AD);
        cm.getConfiguration("org.ntmgate.dc", "?").update(p);
        int port = port();

        SecureRandom random = new SecureRandom();
        byte[] sessionKey = new byte[32];
        random.nextBytes(sessionKey);
        MacKey key = new MacKey(0x1234, sessionKey);
        long nodeId = 0x0badc0deL;
        byte[] ticket = new Ticket(nodeId, Instant.now().plusSeconds(3600), "mn.itest.example.net", key.id(), sessionKey)
                .seal(3, HexFormat.of().parseHex(K_AD));
        MessageCodec codec = new MessageCodec();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(5000);
            ByteBuf out = Unpooled.buffer();
            codec.encode(Message.builder(MessageType.REGISTER_REQUEST).transactionId(1).sequence(1).keyId(key.id()).tlv(TlvType.TICKET, ticket)
                    .fqdn("mn.itest.example.net").endpoint(TlvType.ENDPOINT, new InetSocketAddress("192.168.1.20", 50000)).build(), key, out);
            byte[] b = ByteBufUtil.getBytes(out);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.receive(reply);
            Message r = codec.decode(Unpooled.wrappedBuffer(Arrays.copyOf(buf, reply.getLength())), (id, t, n) -> id == key.id() ? key : null);
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
}
