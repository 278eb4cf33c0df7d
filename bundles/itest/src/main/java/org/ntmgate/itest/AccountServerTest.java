package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.ConfigurationEvents;
import org.ntmgate.wire.Message;
import org.ntmgate.wire.MessageCodec;
import org.ntmgate.wire.MessageType;
import org.ntmgate.wire.TlvType;
import org.osgi.service.cm.Configuration;
import org.osgi.service.event.Event;

/** The Account Server role switched on through ConfigAdmin and managed through Gogo, in a real framework. */
class AccountServerTest extends RoleTest {
    @Override
    String pid() {
        return "org.ntmgate.as";
    }

    private void configure(String key) throws Exception {
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("bindAddress", "127.0.0.1");
        p.put("port", 0);
        p.put("asDcKey", key);
        cm.getConfiguration("org.ntmgate.as", "?").update(p);
    }

    @Test
    void configuredTheAsServesLoginsAndKeepsAccounts() throws Exception {
        String off = run("as:status");
        assertTrue(off.startsWith("Account Server not configured (no configuration of PID org.ntmgate.as"),
                "unconfigured, the role is off, and its status command says so: " + off);
        configure(K_AD);
        Await.until("the AS serving", WAIT, () -> run("as:status").matches("(?s)Account Server serving since \\d{4}-.*\nserving on udp.*"));
        assertTrue(run("as:add mn.example.net 'correct horse'").startsWith("added mn.example.net"));
        assertTrue(run("as:list").contains("mn.example.net"));
        Matcher m = Pattern.compile(":(\\d+);").matcher(run("as:status"));
        assertTrue(m.find());
        int port = Integer.parseInt(m.group(1));

        MessageCodec codec = new MessageCodec();
        ByteBuf request = Unpooled.buffer();
        codec.encode(Message.builder(MessageType.LOGIN_REQUEST).transactionId(7).sequence(1).fqdn("mn.example.net")
                .tlv(TlvType.NONCE, new byte[16]).build(), null, request);
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            s.setSoTimeout(5000);
            byte[] b = ByteBufUtil.getBytes(request);
            s.send(new DatagramPacket(b, b.length, new InetSocketAddress("127.0.0.1", port)));
            byte[] buf = new byte[2048];
            DatagramPacket reply = new DatagramPacket(buf, buf.length);
            s.receive(reply);
            Message challenge = codec.decodeBeforeVerifying(Unpooled.wrappedBuffer(Arrays.copyOf(buf, reply.getLength())));
            assertEquals(MessageType.LOGIN_CHALLENGE, challenge.type());
            assertEquals(7, challenge.transactionId());
        }
        assertTrue(run("as:disable mn.example.net").endsWith("disabled"));
        assertTrue(run("as:list").contains("DISABLED"));
    }

    @Test
    void accountsComeAndGoWithTheirConfigurations() throws Exception {
        configure(K_AD);
        Await.until("the AS serving", WAIT, () -> run("as:status").matches("(?s)Account Server serving since \\d{4}-.*\nserving on udp.*"));
        String credential = run("as:hash 'correct horse'");
        assertTrue(credential.startsWith("{pbkdf2-sha256}"), credential);
        Configuration account = cm.getFactoryConfiguration("org.ntmgate.as.account", "itest", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("fqdn", "configured.example.net");
        p.put("credential", credential);
        account.update(p);
        Await.until("the configured account", WAIT, () -> run("as:list").contains("configured.example.net"));
        account.delete();
        Await.until("the account removed with its configuration", WAIT, () -> !run("as:list").contains("configured.example.net"));
    }

    private HttpResponse<String> health() throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/ntmgate/health"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBadKeyIsRefusedNamingTheField() throws Exception {
        try (Events refusals = Events.refusals(context)) {
            configure("not hex");
            Event e = refusals.next();
            assertNotNull(e);
            assertEquals("org.ntmgate.as", e.getProperty(ConfigurationEvents.PID));
            assertEquals("asDcKey", e.getProperty(ConfigurationEvents.FIELD));
            // nothing was accepted before, so the refused configuration is not kept: the role stays off and says why
            Await.until("the status says why", WAIT, () -> run("as:status").startsWith(
                    "Account Server not configured: its configuration was refused: from ConfigAdmin at ")
                    && run("as:status").contains("org.ntmgate.as: 'asDcKey' must be 64 hexadecimal digits (32 bytes)"));
            assertEquals(null, cm.getConfiguration(pid(), "?").getProperties(), "the refused configuration is not left stored");
            // and the gateway's health check (what an upgrade waits for, docs/image.md step 6) names the refusal
            Await.probe("the health check reports the refused configuration", WAIT, () -> {
                HttpResponse<String> r = health();
                return r.statusCode() == 503 && r.body().contains("configuration org.ntmgate.as from ConfigAdmin refused at ")
                        && r.body().contains("'asDcKey' must be 64 hexadecimal digits");
            });
            // a good configuration fixes it
            configure(K_AD);
            Await.probe("the health check no longer names it", WAIT, () -> !health().body().contains("org.ntmgate.as"));
        }
    }
}
