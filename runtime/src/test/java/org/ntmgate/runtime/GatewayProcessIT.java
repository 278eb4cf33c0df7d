package org.ntmgate.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.dc.testing.TestNode;

/** The exported jar, started the way an admin or an init script starts it. */
class GatewayProcessIT {
    private static final String ADMIN = "admin";

    private static String generatedPassword(Path home) throws Exception {
        Properties p = new Properties();
        try (var in = Files.newBufferedReader(home.resolve("console-password"))) {
            p.load(in);
        }
        return p.getProperty("password");
    }

    @Test
    void theConsoleRefusesAnonymousAndAdminAdminAndAcceptsTheGeneratedPassword(@TempDir Path home) throws Exception {
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            String logLine = gw.awaitLine("where the password is", l -> l.contains("Read it from"), GatewayProcess.START_TIMEOUT);
            Path file = home.resolve("console-password");
            assertTrue(logLine.contains(file.toString()), "the log names the file: " + logLine);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = generatedPassword(home);
            assertEquals(24, password.length());

            gw.awaitConsole();
            assertEquals(401, gw.httpStatus("/system/console/bundles", null, null));
            assertEquals(401, gw.httpStatus("/system/console/bundles", ADMIN, ADMIN));
            assertEquals(401, gw.httpStatus("/system/console/bundles", ADMIN, password + "x"));
            assertEquals(200, gw.httpStatus("/system/console/bundles", ADMIN, password));
            assertFalse(gw.printed().contains(password), "the plain password never reaches the log");
        }
    }

    @Test
    void entriesAndTheConsolePasswordSurviveAFrameworkRestart(@TempDir Path home) throws Exception {
        int port = GatewayProcess.freePort();
        String password;
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitStarted();
            password = generatedPassword(home);
            gw.gogo("table:add 2001:db8:1::1 2001:db8:2::1", l -> l.contains("added"));
            gw.gogo("table:add 2001:0:c000:201::1 203.0.113.1:4000", l -> l.contains("added"));
            assertEquals(143, gw.terminate(), "SIGTERM ends the JVM with 128+15 after a clean stop");
            assertTrue(gw.printed().contains("Shutdown requested"), gw.printed());
        }
        Files.delete(home.resolve("console-password"));
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitLine("restored entries", l -> l.contains("Restored 2 translation entries"), GatewayProcess.START_TIMEOUT);
            gw.awaitStarted();
            String list = gw.gogo("table:list", l -> l.contains("entries") || l.contains("entry"));
            assertTrue(list.contains("2 entries"), list);
            gw.gogo("table:lookup 203.0.113.1:4000", l -> l.contains("real side of"));
            gw.awaitConsole();
            assertEquals(200, gw.httpStatus("/system/console/bundles", ADMIN, password), "the stored hash still checks the password");
            assertFalse(Files.exists(home.resolve("console-password")), "no second password is generated");
        }
    }

    @Test
    void leasesAndAccountsSurviveAFrameworkRestart(@TempDir Path home) throws Exception {
        int port = GatewayProcess.freePort();
        String lease;
        String account;
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitStarted();
            // The AS role switched on the field tech's way: a .cfg in the deploy folder.
            Files.writeString(home.resolve("deploy/org.ntmgate.as.cfg"), "bindAddress=127.0.0.1\nport=0\nasDcKeyId=3\n"
                    + "asDcKey=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\niterations=100000\n");
            gw.awaitGogo("as:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            account = gw.gogo("as:add laptop.restart.example.net correct-horse", l -> l.contains("added ") || l.contains("refused"));
            assertTrue(account.contains("added laptop.restart.example.net"), account);
            lease = gw.gogo("pool:reserve 6 node laptop.restart.example.net", l -> l.contains("reserved ") || l.contains("refused"));
            assertTrue(lease.contains("in pool node-v6"), lease);
            assertEquals(143, gw.terminate());
        }
        String address = lease.substring(lease.indexOf("reserved ") + 9).split(" ")[0];
        String nodeId = account.substring(account.indexOf("(node ") + 6, account.indexOf(')'));
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitStarted();
            String leases = gw.awaitGogo("pool:leases", l -> l.contains("laptop.restart.example.net"), Duration.ofSeconds(30));
            assertTrue(leases.contains(address), "the same address is still leased: " + leases);
            String accounts = gw.awaitGogo("as:list", l -> l.contains("laptop.restart.example.net"), Duration.ofSeconds(30));
            assertTrue(accounts.contains(String.format("%016x", Long.parseUnsignedLong(nodeId, 16))), "with its node id: " + accounts);
            assertTrue(gw.gogo("pool:reserve 6 node laptop.restart.example.net", l -> l.contains("reserved ")).contains(address),
                    "the owner gets its address back");
        }
    }

    /** runtime/bin/ntmgate with {@code args}, for the home {@code home}: exit status and output (standard output first). */
    private static ProcessOutput ntmgate(Path home, String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", Path.of("bin/ntmgate").toAbsolutePath().toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("NTMGATE_HOME", home.toString());
        Path err = Files.createTempFile(home, "ntmgate", ".err");
        Process p = pb.redirectError(err.toFile()).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "ntmgate " + String.join(" ", args) + " ended");
        return new ProcessOutput(p.exitValue(), out, Files.readString(err));
    }

    private record ProcessOutput(int status, String out, String err) {
    }

    /**
     * An operator's way without a console: the AS's key and a node account made offline with the start script's
     * provisioning commands into the home's deploy folder, the gateway started on them, and asked through its command
     * socket (as a daemon is) whether the AS serves that account.
     */
    @Test
    void anAccountAndAKeyMadeOfflineAreServedAndTheRunningGatewayAnswersOnItsCommandSocket(@TempDir Path home) throws Exception {
        ProcessOutput key = ntmgate(home, "keygen");
        assertEquals(0, key.status(), key.err());
        String[] idAndKey = key.out().strip().split(" ");
        ProcessOutput account = ntmgate(home, "account", "add", "laptop.offline.example.net", "--iterations", "100000");
        assertEquals(0, account.status(), account.err());
        assertTrue(account.err().contains("account laptop.offline.example.net written to " + home.resolve("deploy/org.ntmgate.as.account-laptop.offline.example.net.cfg")),
                account.err());
        assertEquals(20, account.out().strip().length(), "the password, printed once: " + account.out());
        Files.writeString(home.resolve("deploy/org.ntmgate.as.cfg"), "bindAddress=127.0.0.1\nport=0\nasDcKeyId=" + idAndKey[0] + "\nasDcKey=" + idAndKey[1] + "\n");
        ProcessOutput none = ntmgate(home, "gogo", "lb");
        assertEquals(1, none.status(), "no gateway runs yet");
        assertTrue(none.err().contains("no gateway answers at " + home.resolve("run/gogo.sock")), none.err());

        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            gw.awaitGogo("as:list", l -> l.contains("laptop.offline.example.net"), Duration.ofSeconds(30));
            ProcessOutput list = ntmgate(home, "gogo", "as:list");
            assertEquals(0, list.status(), list.err());
            assertTrue(list.out().contains("laptop.offline.example.net"), list.out());
            ProcessOutput status = ntmgate(home, "gogo", "as:status");
            assertTrue(status.out().contains("serving on udp"), status.out());
            ProcessOutput refusals = ntmgate(home, "gogo", "config:refusals");
            assertEquals("no refused configuration\n", refusals.out(), "the offline files are accepted as they are");
            ProcessOutput unknown = ntmgate(home, "gogo", "no:such-command");
            assertTrue(unknown.out().startsWith("failed: "), unknown.out());
            assertEquals(143, gw.terminate());
        }
        assertFalse(Files.exists(home.resolve("run/gogo.sock")), "a clean stop removes the socket");
    }

    private static final String AS_CFG = "bindAddress=127.0.0.1\nport=0\nasDcKeyId=3\n"
            + "asDcKey=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\niterations=100000\n";

    /** What an administrator compares before and after: pools, policy, table settings, the AS's state. */
    private static String state(GatewayProcess gw) throws Exception {
        String pools = gw.gogoAnswer("pool:list", l -> l.matches("(g! )*\\d+ pools"));
        String policy = gw.gogoAnswer("policy:show", l -> l.contains("node limits: "));
        String table = gw.gogoAnswer("table:stats", l -> l.contains("refused: full"));
        String as = gw.gogo("as:status", l -> l.contains("Account Server "));
        return String.join("\n", pools, policy, table.replaceFirst("entries \\d+", "entries"), as.replaceFirst(" since .*", "").replaceFirst("^(g! )+", ""));
    }

    /**
     * Every kind of refusal through every entry point (the stock Configuration page's form posts, files in the
     * deploy folder, a file that is not a bundle), and a restart on the same home: what runs afterwards is what ran
     * before. A refused file is named in one log line and in the health check until it is fixed; a configuration
     * that came from a file is managed by it (the console refuses to edit it, the file is never rewritten); editing
     * the file is what changes it, across a restart too.
     */
    @Test
    void refusalsThroughEveryEntryPointChangeNothingAndARestartRunsWhatRanBefore(@TempDir Path home) throws Exception {
        int port = GatewayProcess.freePort();
        Path asFile = home.resolve("deploy/org.ntmgate.as.cfg");
        Path tableFile = home.resolve("deploy/org.ntmgate.table.cfg");
        Path labPool = home.resolve("deploy/org.ntmgate.pool-lab.cfg");
        String before;
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitStarted();
            String password = generatedPassword(home);
            Files.writeString(asFile, AS_CFG);
            gw.awaitGogo("as:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            gw.awaitConsole();
            before = state(gw);
            assertTrue(before.contains("node-v4") && before.contains("node-v6") && before.contains("4 pools"), before);

            // the stock Configuration page: refused before anything is stored, the reason naming the field
            HttpResponse<String> pool = gw.httpPost("/system/console/configMgr/" + poolPid("node-v4"), ADMIN, password,
                    "apply=true&action=ajaxConfigManager&propertylist=name,prefix,purpose,leaseTimeSeconds&name=node-v4"
                            + "&prefix=10.0.0.0%2F33&purpose=NODE&leaseTimeSeconds=3600");
            assertEquals(400, pool.statusCode());
            assertTrue(text(pool).contains("'prefix' is not a prefix: '10.0.0.0/33'"), pool.body());
            HttpResponse<String> policy = gw.httpPost("/system/console/configMgr/org.ntmgate.policy", ADMIN, password,
                    "apply=true&action=ajaxConfigManager&propertylist=maxSessionsPerNode&maxSessionsPerNode=abc");
            assertEquals(400, policy.statusCode());
            assertTrue(text(policy).contains("'maxSessionsPerNode' must be a whole number, not 'abc'"), policy.body());
            // a good value, but posted by another site's page in the admin's browser (which resends the login): refused
            String good = "apply=true&action=ajaxConfigManager&propertylist=maxSessionsPerNode&maxSessionsPerNode=32";
            HttpResponse<String> forged = gw.httpPost("/system/console/configMgr/org.ntmgate.policy", ADMIN, password, good,
                    Map.of("Origin", "http://evil.example", "Sec-Fetch-Site", "cross-site"));
            assertEquals(403, forged.statusCode(), forged.body());
            assertTrue(forged.body().contains("refused: a change to the console must come from the console's own pages"), forged.body());
            // a configuration from a file is the file's: the console says so and changes nothing
            HttpResponse<String> managed = gw.httpPost("/system/console/configMgr/org.ntmgate.as", ADMIN, password,
                    "apply=true&action=ajaxConfigManager&propertylist=port&port=4999");
            assertEquals(400, managed.statusCode());
            assertTrue(text(managed).contains("is managed by the file deploy/org.ntmgate.as.cfg: edit or remove that file"), managed.body());
            assertEquals(AS_CFG, Files.readString(asFile), "the technician's file is never rewritten");

            // files: a type error and an overlapping new pool, each refused in one line naming the file
            Files.writeString(tableFile, "capacity=banana\n");
            gw.awaitLine("the table file's refusal", l -> l.contains("Configuration refused (deploy/org.ntmgate.table.cfg): org.ntmgate.table:"
                    + " 'capacity' must be a whole number, not 'banana'; the last accepted configuration of org.ntmgate.table is stored again"),
                    Duration.ofSeconds(20));
            Files.writeString(labPool, "name=lab\nprefix=10.201.0.0/24\npurpose=NODE\n");
            gw.awaitLine("the pool file's refusal", l -> l.contains("Configuration refused (deploy/org.ntmgate.pool-lab.cfg): org.ntmgate.pool 'lab':"
                    + " 'prefix' 10.201.0.0/24 overlaps pool 'node-v4'"), Duration.ofSeconds(20));
            // a file FileInstall cannot even read: a line naming it, and a health problem until it changes
            Path unreadable = home.resolve("deploy/org.ntmgate.node.cfg");
            Files.writeString(unreadable, "=broken\n");
            gw.awaitLine("the unreadable file named", l -> l.contains("Failed to install artifact: " + unreadable)
                    && l.contains("Key [] must not be an empty string"), Duration.ofSeconds(20));
            // a file that is not a bundle is moved aside, with a line that says why
            Files.writeString(home.resolve("deploy/garbage.jar"), "not a jar at all");
            gw.awaitLine("garbage.jar moved aside", l -> l.contains("deploy/garbage.jar rejected: not a jar"), Duration.ofSeconds(20));
            assertTrue(Files.exists(home.resolve("deploy/rejected/garbage.jar")) && Files.exists(home.resolve("deploy/rejected/garbage.jar.reason")));

            HttpResponse<String> health = gw.httpGet("/ntmgate/health");
            assertEquals(503, health.statusCode(), health.body());
            assertTrue(health.body().contains("configuration org.ntmgate.table from deploy/org.ntmgate.table.cfg refused at ")
                    && health.body().contains("configuration org.ntmgate.pool~lab from deploy/org.ntmgate.pool-lab.cfg refused at ")
                    && health.body().contains("deploy/org.ntmgate.node.cfg could not be applied: Key [] must not be an empty string"), health.body());
            assertTrue(health.body().contains("\"version\":\"0.1.0.SNAPSHOT\""), "the version outside the image too: " + health.body());
            assertFalse(health.body().contains("\tat ") || health.body().contains("Exception"), "short reasons, no stack traces: " + health.body());
            assertEquals(before, state(gw), "nothing refused runs");
            // the same write from the console's own page goes through
            HttpResponse<String> own = gw.httpPost("/system/console/configMgr/org.ntmgate.policy", ADMIN, password, good,
                    Map.of("Origin", "http://127.0.0.1:" + port, "Sec-Fetch-Site", "same-origin"));
            assertEquals(302, own.statusCode(), own.body());
            gw.awaitGogo("policy:show", l -> l.contains("maxSessions=32"), Duration.ofSeconds(20));
            HttpResponse<String> back = gw.httpPost("/system/console/configMgr/org.ntmgate.policy", ADMIN, password,
                    good.replace("=32", "=64"));
            assertEquals(302, back.statusCode(), back.body());
            gw.awaitGogo("policy:show", l -> l.contains("maxSessions=64"), Duration.ofSeconds(20));
            assertTrue(gw.printed().contains("INFO osgi.org.apache.felix.fileinstall - Updating configuration {org.ntmgate.table}"),
                    "FileInstall's own lines are in the one log");
            assertFalse(gw.printed().contains("NumberFormatException"), "an expected refusal is one line, no stack trace");
            assertEquals(143, gw.terminate());
        }
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitStarted();
            gw.awaitGogo("as:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            // FileInstall offers both bad files again at start: refused again, nothing of them runs
            gw.awaitLine("the table file refused again", l -> l.contains("Configuration refused (deploy/org.ntmgate.table.cfg)"), Duration.ofSeconds(20));
            assertEquals(before, state(gw), "after the restart the gateway runs what it ran before");
            gw.awaitLine("the health after start names the refused files", l -> l.contains("ntmgate health after start:")
                    && l.contains("deploy/org.ntmgate.table.cfg"), Duration.ofSeconds(20));

            // fixing a file fixes its problem; removing the other one removes its problem
            Files.writeString(tableFile, "capacity=70000\n");
            gw.awaitGogo("table:stats", l -> l.contains("capacity 70000"), Duration.ofSeconds(20));
            Files.delete(labPool);
            Files.delete(home.resolve("deploy/org.ntmgate.node.cfg"));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            HttpResponse<String> health = gw.httpGet("/ntmgate/health");
            while (health.statusCode() != 200 && System.nanoTime() < deadline) {
                Thread.sleep(200);
                health = gw.httpGet("/ntmgate/health");
            }
            assertEquals(200, health.statusCode(), health.body());

            // the file is what changes a file's configuration, and that survives a restart
            Files.writeString(asFile, AS_CFG.replace("port=0", "port=" + GatewayProcess.freePort()));
            gw.awaitGogo("as:status", l -> l.matches(".*serving on udp /127\\.0\\.0\\.1:[1-9][0-9]*.*") && !l.contains(":0;"), Duration.ofSeconds(30));
            assertEquals(143, gw.terminate());
        }
        String asPort = Files.readString(asFile).replaceAll("(?s).*port=(\\d+).*", "$1");
        try (GatewayProcess gw = new GatewayProcess(home, port)) {
            gw.awaitStarted();
            gw.awaitGogo("as:status", l -> l.contains("serving on udp /127.0.0.1:" + asPort), Duration.ofSeconds(30));
            assertTrue(gw.gogo("table:stats", l -> l.contains("entries ")).contains("capacity 70000"));
        }
    }

    /** An error page's text as a person reads it (Jetty escapes the message). */
    private static String text(HttpResponse<String> r) {
        return r.body().replace("&apos;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    }

    /** The PID of a shipped pool's factory configuration: the Configurator names them {@code <factory PID>~<name>}. */
    private static String poolPid(String name) {
        return "org.ntmgate.pool~" + name;
    }

    @Test
    void aBundleDroppedIntoTheDeployFolderIsInstalledStartedAndUpdated(@TempDir Path home) throws Exception {
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            Path jar = home.resolve("deploy/org.ntmgate.fieldtest.jar");
            writeBundle(jar, "1.0.0");
            String line = gw.awaitGogo("lb org.ntmgate.fieldtest", l -> l.contains("fieldtest") && l.contains("Active") && l.contains("1.0.0"),
                    Duration.ofSeconds(30));
            assertTrue(line.contains("Active"), line);
            // The field tech's hot-swap: the same file name with a new build.
            writeBundle(jar, "1.0.1");
            gw.awaitGogo("lb org.ntmgate.fieldtest", l -> l.contains("fieldtest") && l.contains("Active") && l.contains("1.0.1"),
                    Duration.ofSeconds(30));
        }
    }

    @Test
    void aNewBuildOfARoleDroppedIntoDeployIsSwappedInWhileItServesAndABrokenBuildIsRejectedAndNeverAppliedAgain(@TempDir Path home) throws Exception {
        swapInWhileServingThenPutBack(home, new Door() {
            @Override
            public String swap(GatewayProcess gw, String version, String activator) throws Exception {
                writeBuild(dcJar(), home.resolve("deploy/org.ntmgate.dc.jar"), version, activator);
                return gw.awaitLine("the outcome of the swap of " + version, swapOutcome(version), Duration.ofSeconds(60));
            }

            @Override
            public void rejected(Path home, String version) throws Exception {
                Path jar = home.resolve("deploy/rejected/org.ntmgate.dc.jar");
                Path reason = home.resolve("deploy/rejected/org.ntmgate.dc.jar.reason");
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (!Files.exists(reason) && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertFalse(Files.exists(home.resolve("deploy/org.ntmgate.dc.jar")), "the rejected build left the deploy folder");
                assertTrue(Files.exists(jar), "and waits in deploy/rejected/");
                String why = Files.readString(reason);
                assertTrue(why.contains("org.ntmgate.dc " + version + " rejected:"), why);
            }
        });
    }

    /** The same at the box's console (Gogo), with builds copied onto the box. */
    @Test
    void aNewBuildOfARoleSwappedInWithGogoWhileItServesKeepsItsStateAndABrokenBuildIsRejected(@TempDir Path home) throws Exception {
        Path builds = Files.createDirectories(home.resolve("builds"));
        swapInWhileServingThenPutBack(home, (gw, version, activator) -> {
            Path build = builds.resolve("org.ntmgate.dc-" + version + ".jar");
            writeBuild(dcJar(), build, version, activator);
            return gw.gogo("ntmgate:swap " + build, swapOutcome(version));
        });
    }

    /** One way a field tech hands the gateway a build of the DC; returns the line that tells the outcome. */
    @FunctionalInterface
    private interface Door {
        String swap(GatewayProcess gw, String version, String activator) throws Exception;

        /** What this door leaves of a rejected build (the deploy folder moves it aside). */
        default void rejected(Path home, String version) throws Exception {
        }
    }

    private static Path dcJar() {
        return Path.of(System.getProperty("dc.jar"));
    }

    private static Predicate<String> swapOutcome(String version) {
        return l -> l.contains("swapped org.ntmgate.dc ") && l.contains(" -> " + version + ";") || l.contains("org.ntmgate.dc " + version + " rejected:")
                || l.contains("refused: ");
    }

    /**
     * While the DC serves a registered node and the table holds two entries: a new build through {@code door} is
     * swapped in and keeps both; builds that do not start (an activator missing, one that throws) and one that does
     * not resolve are rejected and the
     * previous build is back by itself, keeping both again; the build kept from the first swap is still what
     * {@code ntmgate:revert} goes back to; after a restart no rejected build runs.
     */
    private static void swapInWhileServingThenPutBack(Path home, Door door) throws Exception {
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            Files.writeString(home.resolve("deploy/org.ntmgate.dc.cfg"), "bindAddress=127.0.0.1\nport=0\nasDcKeyId=3\nasDcKey=" + K_AD + "\n");
            String status = gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            gw.gogo("table:add 2001:db8:1::1 2001:db8:2::1", l -> l.contains("added"));
            gw.gogo("table:add 2001:db8:1::2 2001:db8:2::2", l -> l.contains("added"));
            try (TestNode node = new TestNode("tech.swap.example.net", "127.0.0.1", dcAddress(status))) {
                node.registered(node.local(), node.ticket(3, java.util.HexFormat.of().parseHex(K_AD), java.time.Instant.now().plusSeconds(3600)));

                String swapped = door.swap(gw, "0.1.0.hotswap", null);
                assertTrue(swapped.contains("swapped org.ntmgate.dc 0.1.0.SNAPSHOT -> 0.1.0.hotswap; the previous build is kept: ntmgate:revert"
                        + " org.ntmgate.dc"), swapped);
                assertTrue(gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc (")).contains("org.ntmgate.dc (0.1.0.hotswap)"));
                servesTheNodeAndKeepsTheEntries(gw, node, "the node registered before the swap is still known to the new build");

                // Broken builds (an activator that is not there; an import nothing exports): rejected, and the previous
                // build is put back by itself, still serving the node
                for (String broken : List.of("org.ntmgate.dc.impl.NoSuchActivator", ThrowingActivator.class.getName(),
                        "import:org.ntmgate.nosuchpackage")) {
                    String version = broken.startsWith("import:") ? "0.1.0.unresolved"
                            : broken.equals(ThrowingActivator.class.getName()) ? "0.1.0.throwing" : "0.1.0.broken";
                    String failed = door.swap(gw, version, broken);
                    assertTrue(failed.contains("org.ntmgate.dc " + version + " rejected:")
                            && failed.contains("the previous build 0.1.0.hotswap was put back and serves"), failed);
                    assertTrue(gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc (")).contains("org.ntmgate.dc (0.1.0.hotswap)"));
                    servesTheNodeAndKeepsTheEntries(gw, node, "back on the previous build by itself, the node is still registered");
                    door.rejected(home, version);
                }
                // the build kept from the first swap is still the one to go back to
                String reverted = gw.gogo("ntmgate:revert org.ntmgate.dc", l -> l.contains("reverted ") || l.contains("refused: ")
                        || l.contains("reverting org.ntmgate.dc failed"));
                assertTrue(reverted.contains("reverted org.ntmgate.dc 0.1.0.hotswap -> 0.1.0.SNAPSHOT"), reverted);
                servesTheNodeAndKeepsTheEntries(gw, node, "back on the shipped build, the node is still registered");
            }
        }
        // what the deploy folder rejected is never applied again: a restart runs the build that was running
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            String lb = gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc ("));
            assertFalse(lb.contains("broken") || lb.contains("unresolved") || lb.contains("throwing"), lb);
            gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
        }
    }

    private static void servesTheNodeAndKeepsTheEntries(GatewayProcess gw, TestNode node, String what) throws Exception {
        node.retarget(dcAddress(gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30))));
        assertTrue(keptAlive(node), what);
        assertTrue(gw.gogo("table:list", l -> l.contains("entries")).contains("2 entries"), "the table kept its entries");
    }

    @Test
    void aNewBuildOfARoleUploadedOnTheConsolesBundlesPageIsSwappedInKeptAndPutBack(@TempDir Path home) throws Exception {
        Path dcJar = dcJar();
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            String password = generatedPassword(home);
            Files.writeString(home.resolve("deploy/org.ntmgate.dc.cfg"), "bindAddress=127.0.0.1\nport=0\nasDcKeyId=3\nasDcKey=" + K_AD + "\n");
            gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            gw.gogo("table:add 2001:db8:1::1 2001:db8:2::1", l -> l.contains("added"));
            Path builds = Files.createDirectories(home.resolve("builds"));
            Path good = builds.resolve("org.ntmgate.dc-console.jar");
            writeBuild(dcJar, good, "0.1.0.console", null);
            // The console's "Install/Update" dialog: action=install, bundlestart, one bundlefile.
            Map<String, String> form = Map.of("action", "install", "bundlestart", "start", "bundlestartlevel", "2");

            // Without the console's password nothing is swapped: the console's login runs before the upload is looked at.
            assertEquals(401, gw.httpPostMultipart("/system/console/bundles", null, null, form, List.of(good)).statusCode());
            assertEquals(401, gw.httpPostMultipart("/system/console/bundles", ADMIN, ADMIN, form, List.of(good)).statusCode());
            assertTrue(gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc (")).contains("org.ntmgate.dc (0.1.0.SNAPSHOT)"));

            HttpResponse<String> swapped = gw.httpPostMultipart("/system/console/bundles", ADMIN, password, form, List.of(good));
            assertEquals(200, swapped.statusCode(), swapped.body());
            assertTrue(swapped.body().contains("org.ntmgate.dc-console.jar: swapped org.ntmgate.dc 0.1.0.SNAPSHOT -&gt; 0.1.0.console;"
                    + " the previous build is kept: ntmgate:revert org.ntmgate.dc"), swapped.body());
            assertTrue(swapped.body().contains("href=\"/system/console/bundles\""), "the page leads back to the Bundles page: " + swapped.body());
            gw.awaitLine("the swap in the log", l -> l.contains("Web Console upload org.ntmgate.dc-console.jar by admin: swapped org.ntmgate.dc"),
                    Duration.ofSeconds(10));
            assertTrue(gw.gogo("ntmgate:swaps", l -> l.contains("previous build kept") || l.contains("no previous"))
                    .contains("org.ntmgate.dc: previous build kept (ntmgate:revert org.ntmgate.dc)"));
            gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            assertTrue(gw.gogo("table:list", l -> l.contains("entries") || l.contains("entry")).contains("1 entr"), "the table kept its entry");

            // A bundle's own "Update" dialog (uploadid) with a build that does not start: the page says so and how to go back.
            Path broken = builds.resolve("org.ntmgate.dc-broken.jar");
            writeBuild(dcJar, broken, "0.1.0.broken", "org.ntmgate.dc.impl.NoSuchActivator");
            String id = gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc (")).trim().split("\\|")[0].trim();
            Map<String, String> update = Map.of("action", "install", "uploadid", id);
            HttpResponse<String> failed = gw.httpPostMultipart("/system/console/bundles", ADMIN, password, update, List.of(broken));
            assertEquals(500, failed.statusCode(), failed.body());
            assertTrue(failed.body().contains("org.ntmgate.dc 0.1.0.broken rejected:")
                    && failed.body().contains("the previous build 0.1.0.console was put back and serves"), failed.body());
            assertTrue(gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc (")).contains("org.ntmgate.dc (0.1.0.console)"));
            gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));

            // A file that is not a bundle: a clear answer, not the console's HTTP 500 and stack trace
            Path garbage = builds.resolve("garbage.jar");
            Files.writeString(garbage, "this is not a jar");
            HttpResponse<String> notBundle = gw.httpPostMultipart("/system/console/bundles", ADMIN, password, form, List.of(garbage));
            assertEquals(400, notBundle.statusCode(), notBundle.body());
            assertTrue(notBundle.body().contains("refused: garbage.jar is not an OSGi bundle"), notBundle.body());

            // The Update dialog of another bundle with the DC's build: refused, nothing changes.
            String tableId = gw.gogo("lb -s org.ntmgate.table", l -> l.contains("org.ntmgate.table (")).trim().split("\\|")[0].trim();
            HttpResponse<String> wrong = gw.httpPostMultipart("/system/console/bundles", ADMIN, password,
                    Map.of("action", "install", "uploadid", tableId), List.of(good));
            assertEquals(400, wrong.statusCode(), wrong.body());
            assertTrue(wrong.body().contains("is a build of org.ntmgate.dc (bundle " + id + "), not of bundle " + tableId), wrong.body());
            assertTrue(gw.gogo("lb -s org.ntmgate.dc", l -> l.contains("org.ntmgate.dc (")).contains("org.ntmgate.dc (0.1.0.console)"));

            // A new build of an installed bundle and a bundle that is not installed in one upload: refused, nothing changes.
            Path fieldtest = builds.resolve("org.ntmgate.fieldtest.jar");
            writeBundle(fieldtest, "1.0.0");
            HttpResponse<String> mixed = gw.httpPostMultipart("/system/console/bundles", ADMIN, password, form, List.of(good, fieldtest));
            assertEquals(400, mixed.statusCode(), mixed.body());
            assertTrue(mixed.body().contains("refused: this upload mixes new builds of installed bundles (org.ntmgate.dc-console.jar) with"
                    + " bundles that are not installed (org.ntmgate.fieldtest.jar); upload them separately"), mixed.body());
            assertTrue(gw.gogo("lb -s org.ntmgate.fieldtest", l -> l.contains("org.ntmgate.fieldtest") || l.contains("No matching bundles"))
                    .contains("No matching bundles"), "the new bundle was not installed either");

            // A bundle that is not installed goes on to the console, which installs and starts it as before.
            HttpResponse<String> installed = gw.httpPostMultipart("/system/console/bundles", ADMIN, password, form, List.of(fieldtest));
            assertEquals(302, installed.statusCode(), "the console's own answer to an install (a redirect): " + installed.body());
            // (the console installs and starts in the background, after it answered)
            gw.awaitGogo("lb -s org.ntmgate.fieldtest", l -> l.contains("org.ntmgate.fieldtest (1.0.0)") && l.contains("Active"), Duration.ofSeconds(30));
            assertTrue(gw.gogo("table:list", l -> l.contains("entries") || l.contains("entry")).contains("1 entr"), "the table kept its entry");
        }
    }

    private static final String K_AD = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

    /**
     * A copy of a bundle jar as another build: a new Bundle-Version, and optionally a Bundle-Activator that is not
     * there, {@link ThrowingActivator} (put into the jar: it loads, then throws), or ({@code import:<package>}) an
     * import of a package nothing exports.
     */
    private static void writeBuild(Path from, Path to, String version, String activator) throws Exception {
        Path tmp = to.resolveSibling(to.getFileName() + ".part");
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(from.toFile())) {
            java.util.jar.Manifest mf = new java.util.jar.Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            if (activator != null && activator.startsWith("import:")) {
                String imports = mf.getMainAttributes().getValue("Import-Package");
                String missing = activator.substring("import:".length()) + ";version=\"[9,10)\"";
                mf.getMainAttributes().putValue("Import-Package", imports == null ? missing : imports + "," + missing);
            } else if (activator != null) {
                mf.getMainAttributes().putValue("Bundle-Activator", activator);
            }
            boolean throwing = ThrowingActivator.class.getName().equals(activator);
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(tmp), mf)) {
                for (var e : java.util.Collections.list(in.entries())) {
                    if (e.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
                    out.closeEntry();
                }
                if (throwing) { // the activator's class itself, so that it loads and then throws
                    String name = ThrowingActivator.class.getName().replace('.', '/') + ".class";
                    out.putNextEntry(new java.util.zip.ZipEntry(name));
                    try (var c = ThrowingActivator.class.getClassLoader().getResourceAsStream(name)) {
                        c.transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
        Files.move(tmp, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The DC's address from a dc:status line. */
    private static java.net.InetSocketAddress dcAddress(String status) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("udp /127\\.0\\.0\\.1:(\\d+)").matcher(status);
        assertTrue(m.find(), status);
        return new java.net.InetSocketAddress("127.0.0.1", Integer.parseInt(m.group(1)));
    }

    /** A KEEPALIVE answered with KEEPALIVE_ACK (retried like a node, 3 tries). */
    private static boolean keptAlive(TestNode node) throws Exception {
        for (int i = 0; i < 3; i++) {
            node.keepalive();
            org.ntmgate.wire.Message r = node.receiveOrNull(3000);
            if (r != null && r.type() == org.ntmgate.wire.MessageType.KEEPALIVE_ACK) {
                return true;
            }
        }
        return false;
    }

    /** A bundle with nothing but a manifest, at {@code version}; written beside and renamed, as a copy tool would. */
    private static void writeBundle(Path jar, String version) throws Exception {
        java.util.jar.Manifest mf = new java.util.jar.Manifest();
        mf.getMainAttributes().put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        mf.getMainAttributes().putValue("Bundle-ManifestVersion", "2");
        mf.getMainAttributes().putValue("Bundle-SymbolicName", "org.ntmgate.fieldtest");
        mf.getMainAttributes().putValue("Bundle-Version", version);
        Path tmp = jar.resolveSibling(jar.getFileName() + ".part");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(tmp), mf)) {
            out.flush();
        }
        Files.move(tmp, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aConfiguredPasswordReplacesTheGeneratedOne(@TempDir Path home) throws Exception {
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            String generated = generatedPassword(home);
            // The field tech's path: a .cfg file in the deploy folder (FileInstall hands it to ConfigAdmin).
            Files.writeString(home.resolve("deploy/org.ntmgate.console.cfg"), "username=operator\npassword=correct-horse-battery-staple\n");
            gw.awaitConsole();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (gw.httpStatus("/system/console/bundles", "operator", "correct-horse-battery-staple") != 200) {
                assertTrue(System.nanoTime() < deadline, "the configured credentials never took effect");
                Thread.sleep(200);
            }
            assertEquals(401, gw.httpStatus("/system/console/bundles", ADMIN, generated));
            assertEquals(401, gw.httpStatus("/system/console/bundles", ADMIN, ADMIN));
        }
    }
}
