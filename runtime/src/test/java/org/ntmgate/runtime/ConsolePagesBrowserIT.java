package org.ntmgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.ntmgate.pages.ConsoleBrowser;
import org.openqa.selenium.By;

/**
 * ntmgate's console pages in a real browser (Debian's headless Chromium through its chromedriver, nothing
 * downloaded), against the exported gateway jar: one gateway and one browser for every case, in order. What is
 * asserted is what a person sees on the page, over HTTPS with the gateway's own certificate; the data behind it is the gateway's own (its default pools, a static
 * table entry and a lease made through its Gogo shell, pools added through the page), and each write is checked in
 * ConfigAdmin through the stock Configuration page's JSON. Screenshots of the pages go to target/console-screenshots
 * ({@link ConsoleBrowser}; with -Dntmgate.screenshots=DIR also there: docs/console is refreshed that way).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsolePagesBrowserIT {
    private static final String ADMIN = "admin";
    private static final String XSS = "<img src=x onerror=alert(1)>.example";
    private static final List<String> PAGES = List.of("overview", "pools", "policy", "nodes", "table", "teredo", "accounts");
    private Path home;
    private GatewayProcess gw;
    private String password;
    private ConsoleBrowser browser;

    @BeforeAll
    void start() throws Exception {
        home = Files.createTempDirectory("ntmgate-console-");
        gw = new GatewayProcess(home, GatewayProcess.freePort(), List.of("-Dntmgate.console.confirm.seconds=6"));
        gw.awaitStarted();
        String fingerprint = ConsoleHttpsIT.served(gw, "the gateway's own certificate")[1];
        java.security.cert.X509Certificate cert = ConsoleBrowser.presentedCertificate("127.0.0.1", gw.securePort);
        assertEquals(fingerprint, ConsoleHttpsIT.fingerprint(cert), "the browser is told to trust the certificate the gateway logged");
        gw.awaitConsole();
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(home.resolve("console-password"))) {
            p.load(in);
        }
        password = p.getProperty("password");
        // over HTTPS, as a remote admin reaches it; the plain-HTTP reads below are the gateway's own loopback
        browser = new ConsoleBrowser("https://127.0.0.1:" + gw.securePort, ADMIN, password, Path.of("target", "console-screenshots"), ConsoleBrowser.spki(cert));
    }

    @AfterAll
    void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (gw != null) {
                gw.close();
            }
        }
    }

    private void open(String page) {
        browser.open(page);
    }

    private void await(String what, java.util.function.BooleanSupplier condition) {
        browser.await(what, condition);
    }

    private String text(String id) {
        return browser.text(id);
    }

    private void shoot(String name) throws IOException {
        browser.shoot(name);
    }

    private void fill(String form, String field, String value) {
        browser.fill(form, field, value);
    }

    private String stored(String pid) throws Exception {
        return gw.httpGet("/system/console/configMgr/" + pid + ".json", ADMIN, password).body().replace("\\/", "/");
    }

    @Test
    @Order(1)
    void nothingIsServedWithoutTheLogin() throws Exception {
        for (String page : PAGES) {
            assertEquals(401, gw.httpStatus("/system/console/ntmgate-" + page, null, null), page);
            assertEquals(401, gw.httpStatus("/system/console/ntmgate-" + page + ".json", null, null), page + ".json");
            assertEquals(401, gw.httpStatus("/ntmgate/api/v1/" + page, null, null), "API " + page);
        }
        assertEquals(401, gw.httpStatus("/ntmgate/api/v1/pools", ADMIN, "admin"), "admin/admin");
        assertEquals(401, gw.httpStatus("/ntmgate/api/v1", null, null));
        assertEquals(401, gw.httpStatus("/metrics", null, null));
        assertEquals(401, gw.httpPostForm("/ntmgate/api/v1/pools/save", null, null, "name=x&prefix=10.209.0.0/24"));
        assertEquals(401, gw.httpPostForm("/system/console/ntmgate-pools", null, null, "action=save&name=x&prefix=10.209.0.0/24"));
        assertEquals("[]", stored("org.ntmgate.pool~x").trim(), "nothing was stored");
    }

    @Test
    @Order(2)
    void everyPageShowsTheGatewaysData() throws Exception {
        assertTrue(gw.gogo("table:add 10.202.0.9:0 '[2001:db8:80::80]:0'", l -> l.contains("added") || l.contains("refused")).contains("added"));
        browser.driver().get("https://" + ADMIN + ":" + password + "@127.0.0.1:" + gw.securePort + "/system/console");
        await("the console to open on the Overview", () -> browser.driver().getCurrentUrl().endsWith("/system/console/ntmgate-overview")
                && text("ntm-status").startsWith("Updated"));
        await("the roles", () -> browser.driver().findElements(By.cssSelector("#ntm-roles tbody tr")).size() == 7);
        assertTrue(text("ntm-roles").contains("Account Server not configured"), text("ntm-roles"));
        assertTrue(text("ntm-gateway").contains("1 of 65536 entries"), text("ntm-gateway"));
        assertTrue(text("ntm-health").startsWith("healthy") || text("ntm-health").startsWith("degraded"), text("ntm-health"));
        shoot("overview");

        open("pools");
        await("the default pools", () -> text("ntm-pools").contains("node-v4 10.201.0.0/16 NODE 65534 0 65534"));
        assertTrue(text("ntm-pools").contains("general-v6 fd4e:746d:0:2::/64 GENERAL_NODE 18446744073709551615"), text("ntm-pools"));

        open("policy");
        assertTrue(text("ntm-rules-section").contains("Limits per node: 64 sessions, 0 bytes/s, 0 packets/s"), text("ntm-rules-section"));

        open("nodes");
        assertTrue(text("ntm-nodes-section").contains("Registered nodes (0): no Direction Coordinator runs here"), text("ntm-nodes-section"));
        assertTrue(text("ntm-tunnels-section").contains("Live tunnels (0): no RS-N runs here"), text("ntm-tunnels-section"));
        shoot("nodes");

        open("table");
        await("the entry", () -> text("ntm-entries").contains("STATIC 10.202.0.9") && text("ntm-entries").contains("2001:db8:80::80"));
        assertTrue(text("ntm-table-stats").contains("1 of 65536"), text("ntm-table-stats"));
        shoot("table");

        open("teredo");
        for (String role : new String[] { "server", "relay", "client" }) {
            assertTrue(text("ntm-teredo-" + role).contains("not configured on this gateway"), text("ntm-teredo-" + role));
        }
        browser.noAlert();
    }

    @Test
    @Order(3)
    void aPoolAddedOnThePageIsShownAndStoredInConfigAdmin() throws Exception {
        open("pools");
        fill("ntm-pool-form", "name", "subscribers-v4");
        fill("ntm-pool-form", "prefix", "10.203.0.0/24");
        browser.driver().findElement(By.id("ntm-pool-form-submit")).click();
        await("the saved pool", () -> text("ntm-pools").contains("subscribers-v4 10.203.0.0/24 NODE 254 0 254"));
        assertTrue(text("ntm-pool-form-result").contains("pool 'subscribers-v4' saved"), text("ntm-pool-form-result"));
        assertTrue(stored("org.ntmgate.pool~subscribers-v4").contains("\"value\":\"10.203.0.0/24\""), stored("org.ntmgate.pool~subscribers-v4"));
    }

    @Test
    @Order(4)
    void anInvalidPrefixIsShownNextToItsFieldAndChangesNothing() throws Exception {
        open("pools");
        for (String[] bad : new String[][] { { "10.0.0.0/33", "prefix length must be 0..32" }, { "2001:db8::/129", "prefix length must be 0..128" },
                { "garbage", "is not a prefix" }, { "10.201.128.0/24", "overlaps pool 'node-v4' (10.201.0.0/16)" } }) {
            fill("ntm-pool-form", "name", "bad-pool");
            fill("ntm-pool-form", "prefix", bad[0]);
            browser.driver().findElement(By.id("ntm-pool-form-submit")).click();
            await("the error next to the prefix for " + bad[0], () -> text("ntm-pool-form-prefix-error").contains(bad[1]));
            assertTrue(browser.driver().findElement(By.id("ntm-pool-form-prefix")).getAttribute("class").contains("ntm-invalid"), "the field is marked");
            assertEquals("", text("ntm-pool-form-name-error"), "only the prefix is at fault");
            assertEquals("[]", stored("org.ntmgate.pool~bad-pool").trim(), bad[0] + " stored nothing");
        }
        shoot("pools-refused");
        assertFalse(text("ntm-pools").contains("bad-pool"));
    }

    @Test
    @Order(5)
    void shrinkingBelowALiveLeaseIsRefusedWithWhatIsPossibleAndANamesMarkupIsShownAsText() throws Exception {
        String reserved = gw.gogo("pool:reserve subscribers-v4 '" + XSS + "'", l -> l.contains("10.203.0."));
        assertTrue(reserved.contains("10.203.0.1"), reserved);
        open("pools");
        browser.driver().findElement(By.id("ntm-lease-search")).sendKeys(".example");
        await("the lease", () -> text("ntm-leases").contains(XSS));
        assertTrue(browser.driver().findElements(By.cssSelector("#ntm-leases img")).isEmpty(), "the name is text, not an image element");
        browser.noAlert();

        browser.clickInRow("ntm-pools", "subscribers-v4", "ntm-edit");
        await("the editor", () -> "10.203.0.0/24".equals(browser.driver().findElement(By.id("ntm-pool-form-prefix")).getAttribute("value")));
        assertEquals("10.203.0.0/24", browser.driver().findElement(By.id("ntm-pool-form-prefix")).getAttribute("value"));
        fill("ntm-pool-form", "prefix", "10.203.0.128/25");
        browser.driver().findElement(By.id("ntm-pool-form-submit")).click();
        await("the refusal", () -> text("ntm-pool-form-prefix-error").contains("would strand 1 live lease(s)"));
        assertTrue(text("ntm-pool-form-prefix-error").contains("the smallest prefix from 10.203.0.128 that keeps them is 10.203.0.0/24"),
                text("ntm-pool-form-prefix-error"));
        assertTrue(stored("org.ntmgate.pool~subscribers-v4").contains("\"value\":\"10.203.0.0/24\""), "unchanged");
        shoot("pools");

        String metrics = gw.httpGet("/metrics", ADMIN, password).body();
        assertTrue(metrics.contains("ntmgate_pool_leased{pool=\"subscribers-v4\",prefix=\"10.203.0.0/24\",purpose=\"node\"} 1.0"), metrics);
        assertTrue(metrics.contains("ntmgate_table_entries 1.0"), metrics);
    }

    @Test
    @Order(6)
    void aPolicyChangeRunsAtOnceAndGoesBackUnlessConfirmed() throws Exception {
        open("policy");
        fill("ntm-policy-form", "denyDestinations", "2001:db8:bad::/48");
        browser.driver().findElement(By.id("ntm-policy-form-submit")).click();
        await("the countdown", () -> text("ntm-countdown").contains("will be put back in"));
        await("the rule", () -> text("ntm-rules").contains("deny destination 2001:db8:bad::/48"));
        fill("ntm-check-form", "node", "home-1.example.net");
        fill("ntm-check-form", "destination", "2001:db8:bad::80");
        browser.driver().findElement(By.id("ntm-check-form-submit")).click();
        await("the answer", () -> text("ntm-check-form-result").startsWith("refused:"));
        assertTrue(text("ntm-check-form-result").contains("matches denyDestinations entry '2001:db8:bad::/48'"), text("ntm-check-form-result"));
        shoot("policy");
        browser.driver().findElement(By.id("ntm-confirm")).click();
        await("the countdown gone", () -> text("ntm-countdown").isEmpty());
        assertTrue(stored("org.ntmgate.policy").contains("2001:db8:bad::/48"));

        // a second change, not confirmed: put back by itself (6 s in this test, 60 s by default)
        open("policy");
        fill("ntm-policy-form", "denyNodes", "lost.example.net");
        browser.driver().findElement(By.id("ntm-policy-form-submit")).click();
        await("the second rule", () -> text("ntm-rules").contains("deny node lost.example.net"));
        browser.await("the unconfirmed change to go back", Duration.ofSeconds(30),
                () -> !text("ntm-rules").contains("lost.example.net") && text("ntm-countdown").isEmpty());
        String policy = stored("org.ntmgate.policy");
        assertFalse(policy.contains("lost.example.net"), policy);
        assertTrue(policy.contains("2001:db8:bad::/48"), "the confirmed change stays");
    }

    @Test
    @Order(9)
    void repeatedWrongPasswordsAreSlowedDown() throws Exception {
        browser.blank(); // the pages' own reads would share the wait with the guesses below
        for (int i = 1; i <= 5; i++) {
            assertEquals(401, gw.httpStatus("/ntmgate/api/v1/overview", ADMIN, "guess-" + i), "guess " + i);
        }
        HttpResponse<String> slowed = gw.httpGet("/ntmgate/api/v1/overview", ADMIN, "guess-6");
        assertEquals(429, slowed.statusCode());
        assertEquals("1", slowed.headers().firstValue("Retry-After").orElse(""));
        assertEquals(429, gw.httpStatus("/ntmgate/api/v1/overview", ADMIN, password), "within the wait not even the right password is checked");
        Thread.sleep(1100);
        assertEquals(200, gw.httpStatus("/ntmgate/api/v1/overview", ADMIN, password), "after the wait the right password passes");
        assertEquals(401, gw.httpStatus("/ntmgate/api/v1/overview", ADMIN, "guess-7"), "and the count starts again");
        assertTrue(gw.printed().contains("5 wrong logins in a row from 127.0.0.1"), "the log says so");
    }

    @Test
    @Order(7)
    void anAccountIsAddedWithAPasswordShownOnceResetAndRevoked() throws Exception {
        open("accounts");
        await("no AS yet", () -> text("ntm-accounts-section").contains("Node accounts (0): no Account Server runs here"));
        // an edge gateway's Account Server, from a file in the deploy folder as an admin would add it
        Path tmp = home.resolve("deploy/.as.part");
        Files.writeString(tmp, "bindAddress=\"127.0.0.1\"\nport=I\"" + GatewayProcess.freePort() + "\"\nasDcKeyId=I\"3\"\nasDcKey=\"" + "ab".repeat(32) + "\"\n");
        Files.move(tmp, home.resolve("deploy/org.ntmgate.as.config"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        await("the AS", () -> text("ntm-accounts-section").startsWith("Node accounts (0)") && !text("ntm-accounts-section").contains("no Account Server"));

        fill("ntm-account-form", "fqdn", XSS);
        browser.click("ntm-account-form-submit");
        await("the refusal next to the name", () -> text("ntm-account-form-fqdn-error").contains("is not a fully qualified domain name"));
        assertTrue(text("ntm-account-form-fqdn-error").contains(XSS), "the name is shown as the admin typed it, as text");
        browser.noAlert();

        fill("ntm-account-form", "fqdn", "Home-1234.Subscribers.example.net.");
        browser.click("ntm-account-form-submit");
        await("the password", () -> !text("ntm-password").isEmpty());
        String first = text("ntm-password-value");
        assertTrue(first.matches("[a-zA-Z2-9]{20}"), first);
        assertTrue(text("ntm-password").contains("Shown this once"), text("ntm-password"));
        await("the account", () -> text("ntm-accounts").contains("home-1234.subscribers.example.net"));
        String row = text("ntm-accounts");
        assertTrue(row.contains("never") && row.contains("no DC runs here") && row.contains("configuration"), row);
        String pid = "org.ntmgate.as.account~home-1234.subscribers.example.net";
        String stored = stored(pid);
        assertTrue(stored.contains("\"value\":\"home-1234.subscribers.example.net\""), stored);
        assertFalse(stored.contains(first), "the password is not stored");
        assertFalse(gw.printed().contains(first), "nor logged");
        shoot("accounts");
        open("accounts");
        await("the list", () -> text("ntm-accounts").contains("home-1234"));
        assertTrue(text("ntm-password").isEmpty(), "a reload does not show the password again");

        fill("ntm-account-form", "fqdn", "home-1234.subscribers.example.net");
        browser.click("ntm-account-form-submit");
        await("the duplicate refused", () -> text("ntm-account-form-fqdn-error").contains("exists: reset its password"));

        browser.clickInRow("ntm-accounts", "home-1234", "ntm-reset");
        browser.acceptConfirm();
        await("a new password", () -> !text("ntm-password").isEmpty());
        String second = text("ntm-password-value");
        assertFalse(second.equals(first));
        assertTrue(text("ntm-account-form-result").contains("new password for home-1234.subscribers.example.net"), text("ntm-account-form-result"));
        gw.awaitLine("the old credential revoked", l -> l.contains("Account home-1234.subscribers.example.net (node") && l.contains("revoked"), Duration.ofSeconds(10));
        assertTrue(gw.gogoAnswer("as:list", l -> l.matches(".*\\d+ accounts$")).contains("home-1234.subscribers.example.net"), "the AS has it");

        browser.clickInRow("ntm-accounts", "home-1234", "ntm-revoke");
        browser.acceptConfirm();
        await("the account gone", () -> text("ntm-accounts-section").startsWith("Node accounts (0)"));
        assertTrue(text("ntm-account-form-result").contains("revoked"), text("ntm-account-form-result"));
        assertEquals("[]", stored(pid).trim(), "its configuration is deleted");
        assertTrue(gw.gogoAnswer("as:list", l -> l.matches(".*\\d+ accounts$")).contains("0 accounts"));
        assertTrue(gw.printed().contains("Account home-1234.subscribers.example.net (node"), "the log says it was revoked");
    }

    @Test
    @Order(8)
    void aCrossSiteWriteIsRefused() throws Exception {
        Map<String, String> evil = Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site");
        HttpResponse<String> api = gw.httpPost("/ntmgate/api/v1/pools/save", ADMIN, password, "name=evil&prefix=10.209.0.0/24", evil);
        assertEquals(403, api.statusCode(), api.body());
        HttpResponse<String> page = gw.httpPost("/system/console/ntmgate-pools", ADMIN, password, "action=save&name=evil&prefix=10.209.0.0/24", evil);
        assertEquals(403, page.statusCode(), page.body());
        assertEquals("[]", stored("org.ntmgate.pool~evil").trim());
        open("overview");
        await("the graphs", () -> text("ntm-traffic-section").contains("No RS-N and no node"));
    }
}
