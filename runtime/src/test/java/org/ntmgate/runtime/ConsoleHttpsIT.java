package org.ntmgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;


import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.pages.ConsoleBrowser;

/**
 * The console over HTTPS, against the exported jar: the gateway's own certificate (its fingerprint as logged and as
 * written beside the console password, the same after a restart, its keystore owner-only), TLS 1.2 and 1.3 only
 * (openssl's client offering TLS 1.0 or 1.1 is refused), HSTS; a keystore named in the configuration is served, a
 * new file in its place is served without a restart, an expired or unreadable one is a health problem while the gateway's own
 * certificate is served. Then, with the gateway in a network namespace listening on every address, plain HTTP from
 * another namespace gets a redirect to HTTPS and never a page, while loopback still gets the console.
 */
class ConsoleHttpsIT {
    private static final Pattern SERVED = Pattern.compile("Console HTTPS (?:now on|on) port (\\d+) with (.*): SHA-256 fingerprint ([0-9A-F:]{95})");

    /** The fingerprint of the certificate {@code port} presents (any certificate is accepted: it is what is checked). */
    static String presented(int port) throws Exception {
        return fingerprint(ConsoleBrowser.presentedCertificate("127.0.0.1", port));
    }

    /** Waits (Jetty restarts its connector after a change) until {@code port} presents the certificate {@code fingerprint}. */
    static void awaitPresented(int port, String fingerprint, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String now;
        while (!(now = presented(port)).equals(fingerprint)) {
            if (System.nanoTime() > deadline) {
                assertEquals(fingerprint, now, what);
            }
            Thread.sleep(300);
        }
    }

    static String fingerprint(X509Certificate c) throws Exception {
        return HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded())).toUpperCase(Locale.ROOT);
    }

    /** Waits for the log line saying what HTTPS serves after {@code mark} lines; returns {what, fingerprint}. */
    static String[] served(GatewayProcess gw, String what) throws InterruptedException {
        Matcher m = SERVED.matcher(gw.awaitLine("HTTPS with " + what, l -> {
            Matcher x = SERVED.matcher(l);
            return x.find() && x.group(2).contains(what);
        }, Duration.ofSeconds(60)));
        assertTrue(m.find());
        return new String[] { m.group(2), m.group(3) };
    }

    /** Runs {@code command}; returns its exit status and output. */
    static String[] run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        return new String[] { Integer.toString(p.exitValue()), out };
    }

    /** openssl's client with only {@code version} on offer (its lowest security level, so that it really offers it). */
    static String[] handshake(int port, String version) throws Exception {
        return run(List.of("timeout", "20", "openssl", "s_client", "-connect", "127.0.0.1:" + port, "-" + version, "-cipher", "DEFAULT:@SECLEVEL=0",
                "-servername", "localhost"));
    }

    /** A PKCS12 keystore made by the JDK's keytool, as an ISP's tooling would hand one over. */
    static X509Certificate keystore(Path file, String cn, String password) throws Exception {
        return keystore(file, cn, password, List.of("-validity", "30"));
    }

    /** The same with keytool's own validity options ({@code -startdate}, {@code -validity}). */
    static X509Certificate keystore(Path file, String cn, String password, List<String> validity) throws Exception {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> cmd = new ArrayList<>(List.of(keytool, "-genkeypair", "-keystore", tmp.toString(), "-storetype", "PKCS12", "-storepass", password, "-alias",
                "isp", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=" + cn, "-ext", "SAN=dns:" + cn + ",ip:127.0.0.1"));
        cmd.addAll(validity);
        String[] r = run(cmd);
        assertEquals("0", r[0], r[1]);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, password.toCharArray());
        }
        return (X509Certificate) ks.getCertificate("isp");
    }

    static void deploy(Path home, String name, String content) throws Exception {
        Path tmp = home.resolve("deploy/." + name + ".part");
        Files.writeString(tmp, content);
        Files.move(tmp, home.resolve("deploy/" + name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void theConsoleServesItsOwnCertificateAConfiguredOneAndRotatesIt(@TempDir Path home) throws Exception {
        String own;
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            String[] first = served(gw, "the gateway's own certificate");
            own = first[1];
            assertTrue(gw.printed().contains("made the gateway's own key pair and self-signed certificate"), "made at the first start");
            assertEquals(own, presented(gw.securePort), "the certificate served is the one logged");
            Properties c = new Properties();
            try (var in = Files.newBufferedReader(home.resolve("console-certificate"))) {
                c.load(in);
            }
            assertEquals(own, c.getProperty("fingerprint"), "and the one written beside the console password");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("tls/console.p12"))));
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(home.resolve("tls"))));

            gw.awaitConsole();
            Properties p = new Properties();
            try (var in = Files.newBufferedReader(home.resolve("console-password"))) {
                p.load(in);
            }
            HttpClient trusting = HttpClient.newBuilder().sslContext(ConsoleBrowser.trustingContext()).build();
            HttpResponse<String> r = trusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + gw.securePort + "/ntmgate/api/v1/overview"))
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(("admin:" + p.getProperty("password")).getBytes(StandardCharsets.UTF_8)))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("max-age=31536000", r.headers().firstValue("Strict-Transport-Security").orElse(""), "HSTS on HTTPS answers");

            for (String old : new String[] { "tls1", "tls1_1" }) {
                String[] h = handshake(gw.securePort, old);
                assertNotEquals("0", h[0], old + " is refused: " + h[1]);
                assertTrue(!h[1].contains("Cipher is ") || h[1].contains("Cipher is (NONE)"), old + ": no session: " + h[1]);
            }
            for (String[] good : new String[][] { { "tls1_2", "TLSv1.2" }, { "tls1_3", "TLSv1.3" } }) {
                String[] h = handshake(gw.securePort, good[0]);
                assertTrue(h[1].contains("New, " + good[1] + ", Cipher is "), good[0] + " works: " + h[1]);
            }
            String[] weak = run(List.of("timeout", "20", "openssl", "s_client", "-connect", "127.0.0.1:" + gw.securePort, "-tls1_2", "-cipher",
                    "AES128-SHA:ECDHE-RSA-AES128-SHA:ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0"));
            assertNotEquals("0", weak[0], "CBC suites without AEAD are refused: " + weak[1]);
        }

        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            assertEquals(own, served(gw, "the gateway's own certificate")[1], "the same certificate after a restart");
            assertTrue(!gw.printed().contains("made the gateway's own key pair"), "not made again");
            assertEquals(own, presented(gw.securePort));

            Path isp = home.resolve("isp.p12");
            X509Certificate first = keystore(isp, "gw1.isp.example", "isp-secret");
            deploy(home, "org.ntmgate.console.tls.config", "keystore=\"" + isp + "\"\nkeystorePassword=\"isp-secret\"\ncheckSeconds=I\"1\"\n");
            assertEquals(fingerprint(first), served(gw, "keystore " + isp)[1]);
            awaitPresented(gw.securePort, fingerprint(first), "the configured keystore is served");

            Thread.sleep(1100); // a new modification time
            String second = fingerprint(keystore(isp, "gw1.isp.example", "isp-secret"));
            gw.awaitLine("the new certificate", l -> l.contains(second), Duration.ofSeconds(30));
            awaitPresented(gw.securePort, second, "rotated without a restart");

            Thread.sleep(1100);
            keystore(isp, "gw1.isp.example", "isp-secret", List.of("-startdate", "-3d", "-validity", "1")); // expired two days ago
            gw.awaitLine("the expired certificate refused", l -> l.contains("Console HTTPS: keystore " + isp + ": its certificate expired on"),
                    Duration.ofSeconds(30));
            awaitPresented(gw.securePort, own, "an expired certificate is not served: the gateway's own instead");
            gw.awaitConsole();
            assertTrue(gw.httpGet("/ntmgate/health").body().contains("its certificate expired on"), "a health problem");

            Thread.sleep(1100);
            Files.writeString(isp, "not a keystore");
            gw.awaitLine("the refusal", l -> l.contains("Console HTTPS: keystore " + isp + " cannot be read"), Duration.ofSeconds(30));
            awaitPresented(gw.securePort, own, "the gateway's own certificate meanwhile, not nothing");
            gw.awaitConsole(); // Jetty restarted its connectors
            String health = gw.httpGet("/ntmgate/health").body();
            assertTrue(health.contains("console HTTPS: keystore " + isp + " cannot be read"), health);
        }
    }

    @Test
    void plainHttpFromAnotherHostIsRedirectedAndNeverAPage(@TempDir Path home) throws Exception {
        String id = Long.toString(ProcessHandle.current().pid() % 100000);
        String gwNs = "ntmhg" + id;
        String clientNs = "ntmhc" + id;
        List<String[]> cleanup = new ArrayList<>();
        try {
            for (String ns : new String[] { gwNs, clientNs }) {
                assertEquals("0", run(List.of("ip", "netns", "add", ns))[0]);
                cleanup.add(new String[] { "ip", "netns", "del", ns });
                run(List.of("ip", "-n", ns, "link", "set", "lo", "up"));
            }
            assertEquals("0", run(List.of("ip", "link", "add", "hg" + id, "netns", gwNs, "type", "veth", "peer", "hc" + id, "netns", clientNs))[0]);
            run(List.of("ip", "-n", gwNs, "addr", "add", "10.250.0.1/30", "dev", "hg" + id));
            run(List.of("ip", "-n", clientNs, "addr", "add", "10.250.0.2/30", "dev", "hc" + id));
            run(List.of("ip", "-n", gwNs, "link", "set", "hg" + id, "up"));
            run(List.of("ip", "-n", clientNs, "link", "set", "hc" + id, "up"));
            try (GatewayProcess gw = new GatewayProcess(home, 8080, List.of("-Dorg.apache.felix.http.host=0.0.0.0"), List.of("ip", "netns", "exec", gwNs))) {
                gw.awaitStarted();
                served(gw, "the gateway's own certificate");
                Properties p = new Properties();
                gw.awaitLine("the console password", l -> Files.exists(home.resolve("console-password")), Duration.ofSeconds(30));
                try (var in = Files.newBufferedReader(home.resolve("console-password"))) {
                    p.load(in);
                }
                String login = "admin:" + p.getProperty("password");
                String page = "http://10.250.0.1:8080/system/console/ntmgate-overview";
                String secure = "https://10.250.0.1:" + gw.securePort + "/system/console/ntmgate-overview";
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                String[] local;
                do { // the console's login comes up with the console
                    Thread.sleep(500);
                    local = run(List.of("ip", "netns", "exec", gwNs, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-u", login,
                            "http://127.0.0.1:8080/system/console/ntmgate-overview"));
                } while (!local[1].equals("200") && System.nanoTime() < deadline);
                assertEquals("200", local[1], "on the gateway itself plain HTTP still serves the console");
                for (List<String> how : List.<List<String>>of(List.of(), List.of("-u", login), List.of("-u", login, "-X", "POST", "-d", "action=save&name=x"))) {
                    List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", clientNs, "curl", "-s", "-m", "10", "-D", "-", "-o", "/dev/null"));
                    cmd.addAll(how);
                    cmd.add(page);
                    String[] r = run(cmd);
                    assertTrue(r[1].startsWith("HTTP/1.1 308"), "redirected, never a page (" + how + "): " + r[1]);
                    assertTrue(r[1].contains("Location: " + secure), r[1]);
                }
                String[] over = run(List.of("ip", "netns", "exec", clientNs, "curl", "-s", "-m", "10", "-k", "-D", "-", "-o", "/dev/null", "-u", login, secure));
                assertTrue(over[1].startsWith("HTTP/1.1 200") || over[1].startsWith("HTTP/2 200"), "over HTTPS the page: " + over[1]);
                assertTrue(over[1].toLowerCase(Locale.ROOT).contains("strict-transport-security: max-age=31536000"), over[1]);
            }
        } finally {
            for (int i = cleanup.size() - 1; i >= 0; i--) {
                run(List.of(cleanup.get(i)));
            }
        }
    }
}
