package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.ntmgate.pages.ConsoleBrowser;

/**
 * The console's pages with real traffic: while the node behind the NAT downloads from the IPv6-only server, the
 * Nodes and tunnels page shows the node, its path and byte counters that grow between two reads, the Translation
 * table page shows the server's entry; a rule denying the server's prefix, saved on the Relay policy page, closes
 * the tunnel and makes the next connection fail, the page naming the rule; removing the rule lets the next one
 * through. Over HTTPS, with the gateway's own certificate (the one its log names). An account added on the Accounts page logs a new node in with the password shown; revoking it closes that
 * node's tunnel and ends its registration while the other node carries on. The browser (headless Chromium) runs in the test's namespace and reaches the gateway's console through
 * {@link Lab#console()}.
 */
class ConsoleLabIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));
    private static final Pattern PACKETS = Pattern.compile("(\\d+) packets");
    private static final String SUBSCRIBER = "home-7.ntm.example.net";

    @Test
    void thePagesShowTheTrafficAndAPolicyRuleSavedOnThePageStopsAndReleasesIt() throws Exception {
        WebFile file = WebFile.random(64 << 20); // at 1 MB/s, longer than the reads below take
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.dns();
            lab.web(file, "big.bin");
            lab.gateway(JAR, false);
            lab.client(JAR);
            int port = lab.console(8443); // over HTTPS, with the certificate the gateway made and logged
            java.security.cert.X509Certificate cert = ConsoleBrowser.presentedCertificate("127.0.0.1", port);
            String fingerprint = fingerprint(cert);
            lab.await(lab.gatewayLog(), l -> l.contains("SHA-256 fingerprint " + fingerprint), "the certificate served is the one logged");
            try (ConsoleBrowser b = new ConsoleBrowser("https://127.0.0.1:" + port, "admin", lab.consolePassword(), Path.of("target", "console-screenshots"),
                    ConsoleBrowser.spki(cert))) {
                Path out = lab.dir.resolve("slow.bin");
                Process download = lab.spawn(lab.client, lab.dir.resolve("slow-curl.log"), "curl", "-sS", "--limit-rate", "1M", "-m", "120", "-o",
                        out.toString(), "http://" + Lab.SERVER_NAME + "/big.bin");

                b.open("overview");
                b.await("the RS-N's rate", () -> b.text("ntm-traffic-section").matches(".*RS-N: [0-9.]+ (KiB|MiB)/s.*"));
                Thread.sleep(6000); // a few points on the graphs
                b.shoot("overview");

                b.open("nodes");
                b.await("the node and its tunnel", () -> b.text("ntm-nodes").contains(Lab.NODE_NAME) && b.text("ntm-tunnels").contains(Lab.NODE_NAME));
                assertTrue(b.text("ntm-nodes").contains("behind a NAT"), b.text("ntm-nodes"));
                assertTrue(b.text("ntm-nodes").contains("relayed (1 tunnel)"), b.text("ntm-nodes"));
                assertTrue(b.text("ntm-tunnels").contains("2001:db8:1::80"), "the peer's real address: " + b.text("ntm-tunnels"));
                long first = packetsToNode(b);
                b.await("the tunnel's counters to grow", Duration.ofSeconds(20), () -> packetsToNode(b) > first);
                assertTrue(download.isAlive(), "read while the download runs");
                b.await("a rate", () -> b.text("ntm-tunnels").matches(".*[0-9.]+ (KiB|MiB)/s.*"));
                b.shoot("nodes");

                b.open("table");
                b.driver().findElement(org.openqa.selenium.By.id("ntm-table-search")).sendKeys("2001:db8:1::80");
                b.await("the server's entry", () -> b.text("ntm-entries").contains("NTM_GENERAL_NODE") && b.text("ntm-entries").contains("2001:db8:1::80"));
                b.shoot("table");
                assertTrue(download.isAlive(), "read while the download runs");

                assertTrue(download.isAlive(), "every read was made while the download ran: " + Files.readString(lab.dir.resolve("slow-curl.log")));
                download.destroy(); // by its PID: this test started it
                assertTrue(download.waitFor(10, TimeUnit.SECONDS));

                b.open("policy");
                b.fill("ntm-policy-form", "denyDestinations", "2001:db8:1::/64");
                b.click("ntm-policy-form-submit");
                b.await("the countdown", () -> b.text("ntm-countdown").contains("will be put back in"));
                b.click("ntm-confirm");
                b.await("the refusal of the tunnel", () -> b.text("ntm-refusals").contains("matches denyDestinations entry '2001:db8:1::/64'"));
                lab.await(lab.clientLog(), l -> l.contains("was closed by") && l.contains("NOT_ALLOWED"), "the node hears its tunnel closed");
                Lab.Result refused = lab.exec(lab.client, "curl", "-sS", "-m", "20", "-o", "/dev/null", "http://" + Lab.SERVER_NAME + "/big.bin");
                assertNotEquals(0, refused.status(), "the next connection fails: " + refused.output());
                b.open("policy");
                b.await("the direction's refusal", () -> b.text("ntm-refusals").contains(Lab.NODE_NAME)
                        && b.text("ntm-refusals").contains(Lab.SERVER_NAME) && b.text("ntm-refusals").contains("denyDestinations entry '2001:db8:1::/64'"));
                b.shoot("policy");

                b.fill("ntm-policy-form", "denyDestinations", "");
                b.click("ntm-policy-form-submit");
                b.await("the countdown", () -> b.text("ntm-countdown").contains("will be put back in"));
                b.click("ntm-confirm");
                b.await("no rule", () -> !b.text("ntm-rules").contains("2001:db8:1::/64"));
                Lab.Result again = lab.exec(lab.client, "curl", "-sS", "-m", "60", "-o", "/dev/null", "-w", "%{http_code}", "http://" + Lab.SERVER_NAME + "/big.bin");
                assertEquals("200", again.output(), "through again: " + again.output() + "\n" + Files.readString(lab.clientLog()));
                b.noAlert();

                // an ISP provisions a subscriber's gateway on the Accounts page, and later revokes it (protocol.md 4.7)
                b.open("accounts");
                b.fill("ntm-account-form", "fqdn", SUBSCRIBER);
                b.click("ntm-account-form-submit");
                b.await("the password", () -> !b.text("ntm-password").isEmpty());
                String password = b.text("ntm-password-value");
                Process subscriber = lab.nodeWithPassword(lab.nat, "subscriber", SUBSCRIBER, password, "ntm1", JAR);
                b.await("registered, with its login", () -> accountRow(b).contains("registered, seen"));
                assertFalse(accountRow(b).contains("never"), "its last login is shown: " + accountRow(b));
                assertEquals("0 1", lab.dnsQuery(lab.nat, Lab.SERVER_NAME, 28), "the subscriber's node gets the server's address through a relayed path");
                b.open("nodes");
                b.await("its tunnel", () -> b.text("ntm-tunnels").contains(SUBSCRIBER));
                b.open("accounts");
                b.await("the account", () -> b.text("ntm-accounts").contains(SUBSCRIBER));
                b.shoot("accounts");
                b.clickInRow("ntm-accounts", SUBSCRIBER, "ntm-revoke");
                b.acceptConfirm();
                b.await("the account gone", () -> !b.text("ntm-accounts").contains(SUBSCRIBER));
                Path subscriberLog = lab.dir.resolve("subscriber/subscriber.log");
                lab.await(subscriberLog, l -> l.contains("was closed by") && l.contains("NOT_ALLOWED"), "the subscriber hears its tunnel closed");
                lab.await(subscriberLog, l -> l.contains("not registered") && l.contains("does not verify with this password"),
                        "the subscriber is told to log in again, and its login fails");
                b.open("nodes");
                b.await("no longer registered", () -> !b.text("ntm-nodes").contains(SUBSCRIBER) && !b.text("ntm-tunnels").contains(SUBSCRIBER));
                assertTrue(b.text("ntm-nodes").contains(Lab.NODE_NAME), "the other node carries on");
                subscriber.destroy(); // by its PID: this test started it
                assertTrue(subscriber.waitFor(20, TimeUnit.SECONDS));
                b.noAlert();
            }
        }
    }

    private static String fingerprint(java.security.cert.X509Certificate c) throws Exception {
        return java.util.HexFormat.ofDelimiter(":").formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(c.getEncoded()))
                .toUpperCase(java.util.Locale.ROOT);
    }

    private static String accountRow(ConsoleBrowser b) {
        return b.rowText("ntm-accounts", SUBSCRIBER);
    }

    /** The live tunnel's packets towards the node, as its row on the page says them. */
    private static long packetsToNode(ConsoleBrowser b) {
        var cells = b.driver().findElements(org.openqa.selenium.By.cssSelector("#ntm-tunnels td.ntm-to-node"));
        if (cells.isEmpty()) {
            return -1;
        }
        try {
            Matcher m = PACKETS.matcher(cells.get(0).getText());
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return -1; // the page replaced its table meanwhile: read again
        }
    }
}
