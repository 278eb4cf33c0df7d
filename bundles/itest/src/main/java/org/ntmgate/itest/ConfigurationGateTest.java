package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * One truth per PID, as an administrator meets it: the Web Console's stock Configuration page, driven by the form
 * posts its Save button sends, refuses a bad value before anything is stored (HTTP 400 with the one-line reason
 * naming the field; the page shows it in its error dialog) and stores a good one; the pools, the relay policy and the
 * table keep running what ConfigAdmin holds. And the Gogo commands a field tech asks a role that is off.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ConfigurationGateTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String USER = "gatetest";
    private static final String PASSWORD = "gate-test-password-2026";

    @InjectBundleContext
    BundleContext context;
    @InjectService
    ConfigurationAdmin cm;
    @InjectService
    VirtualAddressPools pools;

    private Kept login;

    @BeforeEach
    void setLogin() throws Exception {
        login = Kept.of(cm, "org.ntmgate.console");
        Configuration c = cm.getConfiguration("org.ntmgate.console", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("username", USER);
        p.put("password", PASSWORD);
        c.update(p);
        Await.probe("the console takes the test's login", WAIT, () -> post("/system/console/configMgr/org.ntmgate.table", Map.of()).statusCode() != 401);
    }

    @AfterEach
    void restoreLogin() throws Exception {
        login.restore();
    }

    private String poolPid(String name) throws Exception {
        Configuration[] c = cm.listConfigurations("(&(service.factoryPid=org.ntmgate.pool)(name=" + name + "))");
        assertTrue(c != null && c.length == 1, "one configuration of pool " + name);
        return c[0].getPid();
    }

    /** What the Configuration page's Save button posts for {@code pid}: every field of the form, as typed. */
    private HttpResponse<String> save(String pid, Map<String, String> fields) throws Exception {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("apply", "true");
        form.put("action", "ajaxConfigManager");
        form.put("$location", "");
        form.put("propertylist", String.join(",", fields.keySet()));
        form.putAll(fields);
        return post("/system/console/configMgr/" + pid, form);
    }

    private HttpResponse<String> post(String path, Map<String, String> form) throws Exception {
        String body = form.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + path))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + auth)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return HttpClient.newHttpClient().send(r, HttpResponse.BodyHandlers.ofString());
    }

    /** The error page's text as a person reads it (Jetty escapes the message). */
    private static String text(HttpResponse<String> r) {
        return r.body().replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    private Object stored(String pid, String key) throws Exception {
        Configuration[] c = cm.listConfigurations("(service.pid=" + pid + ")");
        return c == null ? null : c[0].getProperties().get(key);
    }

    private String prefixOf(String pool) {
        return pools.pools().stream().filter(p -> p.name().equals(pool)).findFirst().orElseThrow().prefix().toString();
    }

    @Test
    void theConfigurationPageRefusesBadValuesBeforeStoringThemAndNamesTheField() throws Exception {
        String nodeV4 = poolPid("node-v4");
        Map<String, String> pool = new LinkedHashMap<>();
        pool.put("name", "node-v4");
        pool.put("prefix", "10.0.0.0/33");
        pool.put("purpose", "NODE");
        pool.put("leaseTimeSeconds", "3600");

        HttpResponse<String> badPrefix = save(nodeV4, pool);
        assertEquals(400, badPrefix.statusCode(), badPrefix.body());
        assertTrue(text(badPrefix).contains("org.ntmgate.pool 'node-v4': 'prefix' is not a prefix: '10.0.0.0/33'"), badPrefix.body());
        assertEquals("10.201.0.0/16", stored(nodeV4, "prefix"), "nothing stored");
        assertEquals("10.201.0.0/16", prefixOf("node-v4"), "the running pool is unchanged");

        pool.put("prefix", "10.201.0.0/16");
        pool.put("leaseTimeSeconds", "banana");
        HttpResponse<String> badType = save(nodeV4, pool);
        assertEquals(400, badType.statusCode(), badType.body());
        assertTrue(text(badType).contains("'leaseTimeSeconds' must be a whole number, not 'banana'"), "a type error reads like a range error: "
                + badType.body());

        // a change that would strand a live lease: refused, with what is possible
        Lease lease = pools.allocate("node-v4", "gate-test.example.net");
        try {
            pool.put("leaseTimeSeconds", "3600");
            pool.put("prefix", "10.203.0.0/16");
            HttpResponse<String> strands = save(nodeV4, pool);
            assertEquals(400, strands.statusCode(), strands.body());
            assertTrue(text(strands).contains("'prefix' 10.203.0.0/16 would strand 1 live lease(s), for example "
                    + lease.address().getHostAddress() + " of gate-test.example.net; or release them, or wait for them to expire"), strands.body());
            assertEquals("10.201.0.0/16", stored(nodeV4, "prefix"));
        } finally {
            pools.release(lease.address(), "gate-test.example.net");
        }

        // the policy: a number field typed as text
        HttpResponse<String> policy = save("org.ntmgate.policy", Map.of("maxSessionsPerNode", "abc"));
        assertEquals(400, policy.statusCode(), policy.body());
        assertTrue(text(policy).contains("org.ntmgate.policy: 'maxSessionsPerNode' must be a whole number, not 'abc'"), policy.body());
        assertTrue(stored("org.ntmgate.policy", "maxSessionsPerNode") == null || !"abc".equals(stored("org.ntmgate.policy", "maxSessionsPerNode")));

        // the table: a capacity out of range
        HttpResponse<String> table = save("org.ntmgate.table", Map.of("capacity", "0", "idleTimeoutSeconds", "300"));
        assertEquals(400, table.statusCode(), table.body());
        assertTrue(text(table).contains("'capacity' must be 1..16777216"), table.body());

        // and a good value is stored and runs
        pool.put("prefix", "10.201.0.0/16");
        pool.put("leaseTimeSeconds", "7200");
        HttpResponse<String> good = save(nodeV4, pool);
        assertTrue(good.statusCode() == 200 || good.statusCode() == 302, "saved: " + good.statusCode() + " " + good.body());
        Await.until("the new lease time runs", WAIT, () -> pools.pools().stream()
                .anyMatch(p -> p.name().equals("node-v4") && p.leaseTime().toSeconds() == 7200));
        assertEquals(7200L, ((Number) stored(nodeV4, "leaseTimeSeconds")).longValue());
        pool.put("leaseTimeSeconds", "3600");
        save(nodeV4, pool);
        Await.until("the shipped lease time again", WAIT, () -> pools.pools().stream()
                .anyMatch(p -> p.name().equals("node-v4") && p.leaseTime().toSeconds() == 3600));
        assertEquals("no refused configuration", Gogo.run(context, "config:refusals"), "writes refused before they were stored leave no problem");
    }

    @Test
    void theConfigurationPageListsPoolsByTheirNames() throws Exception {
        String auth = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> page = HttpClient.newHttpClient().send(HttpRequest
                .newBuilder(URI.create("http://127.0.0.1:" + context.getProperty("org.osgi.service.http.port") + "/system/console/configMgr"))
                .timeout(Duration.ofSeconds(10)).header("Authorization", "Basic " + auth).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        for (String pool : new String[] { "node-v4", "node-v6", "general-v4", "general-v6" }) {
            assertTrue(page.body().contains("\"nameHint\":\"" + pool + "\""), "the page's list names pool " + pool);
        }
    }

    @Test
    void aWriteThatBypassesThePageIsUndoneAndReportedUntilFixed() throws Exception {
        Configuration table = cm.getConfiguration("org.ntmgate.table", "?");
        Dictionary<String, Object> before = table.getProperties();
        Dictionary<String, Object> bad = new Hashtable<>();
        for (String k : java.util.Collections.list(before.keys())) {
            bad.put(k, before.get(k));
        }
        bad.put("capacity", "banana"); // as a .cfg file or code would write it: a string
        table.update(bad);
        Await.until("the accepted capacity stored again", WAIT, () -> !"banana".equals(table.getProperties().get("capacity")));
        String refusals = Gogo.run(context, "config:refusals");
        assertTrue(refusals.contains("configuration org.ntmgate.table from ConfigAdmin refused at ")
                && refusals.contains("org.ntmgate.table: 'capacity' must be a whole number, not 'banana'"), refusals);
        assertTrue(Gogo.run(context, "table:stats").contains("capacity 65536"), "the table runs its accepted capacity, never failed");
        // an accepted write fixes it
        table.update(before);
        Await.until("the refusal is fixed", WAIT, () -> Gogo.run(context, "config:refusals").equals("no refused configuration"));
    }

    @Test
    void aRoleThatIsOffSaysWhyAndThePolicyAndPoolCommandsAnswerFieldTechs() throws Exception {
        assertTrue(Gogo.run(context, "rsn:status").startsWith("Relay Server (RS-N) not configured (no configuration of PID org.ntmgate.rsn"),
                Gogo.run(context, "rsn:status"));
        assertTrue(Gogo.run(context, "node:status").startsWith("NTM node not configured"), Gogo.run(context, "node:status"));
        assertTrue(Gogo.run(context, "dc:status").startsWith("Direction Coordinator not configured"), Gogo.run(context, "dc:status"));
        assertTrue(Gogo.run(context, "teredo:client").startsWith("Teredo client not configured"), Gogo.run(context, "teredo:client"));
        assertTrue(Gogo.run(context, "teredo:relay").startsWith("Teredo relay not configured"), Gogo.run(context, "teredo:relay"));
        assertTrue(Gogo.run(context, "teredo:server").startsWith("Teredo server not configured"), Gogo.run(context, "teredo:server"));

        // a role refused at its first configuration: off, and it says why
        Configuration rsn = cm.getConfiguration("org.ntmgate.rsn", "?");
        Dictionary<String, Object> p = new Hashtable<>();
        p.put("dcKeys", new String[] { "7 a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf" });
        p.put("egressPrefix", "2001:db8:e::/129");
        rsn.update(p);
        Await.until("rsn:status names the refusal", WAIT, () -> Gogo.run(context, "rsn:status")
                .startsWith("Relay Server (RS-N) not configured: its configuration was refused: from ConfigAdmin at "));
        assertTrue(Gogo.run(context, "rsn:status").contains("'egressPrefix'"), Gogo.run(context, "rsn:status"));
        assertTrue(Gogo.run(context, "config:forget org.ntmgate.rsn").startsWith("forgot: "), "the refusal is kept until forgotten");

        String show = Gogo.run(context, "policy:show");
        assertTrue(show.contains("allowedRelays: any relay") && show.contains("denyDestinations: (none)"), show);
        assertTrue(Gogo.run(context, "policy:check mn.example.net files.lab.example").startsWith("allowed: no rule restricts files.lab.example"),
                Gogo.run(context, "policy:check mn.example.net files.lab.example"));
        assertTrue(Gogo.run(context, "policy:check mn.example.net 2001:db8::80").startsWith("allowed: no rule restricts 2001:db8::80"),
                Gogo.run(context, "policy:check mn.example.net 2001:db8::80"));

        // pool:reserve by the pool's name takes that pool (it took the first IPv4 node pool before)
        String reserved = Gogo.run(context, "pool:reserve node-v4 gate-test-owner");
        assertTrue(reserved.startsWith("reserved 10.201.") && reserved.contains(" in pool node-v4 for gate-test-owner"), reserved);
        String address = reserved.split(" ")[1];
        assertTrue(pools.release(InetAddress.getByName(address), "gate-test-owner"), "the reserved address is leased: " + reserved);
        // an IPv6 endpoint with a port, quoted as the command's help says (Gogo reads [..] unquoted as a list)
        String added = Gogo.run(context, "table:add 2001:db8:1::9 '[2001:db8::9]:80'");
        assertTrue(added.startsWith("added "), added);
        assertTrue(Gogo.run(context, "table:remove " + added.split("\\s+")[1]).startsWith("removed entry"));
        assertTrue(Gogo.run(context, "pool:reserve no-such-pool x").startsWith("refused: no pool is named 'no-such-pool'"),
                Gogo.run(context, "pool:reserve no-such-pool x"));
        assertEquals(AddressFamily.IPV4, pools.pools().stream().filter(x -> x.name().equals("node-v4")).findFirst().orElseThrow().prefix().family());
        assertEquals(PoolPurpose.NODE, pools.pools().stream().filter(x -> x.name().equals("node-v4")).findFirst().orElseThrow().purpose());
    }
}
