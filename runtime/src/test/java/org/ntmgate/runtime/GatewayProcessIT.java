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
import org.ntmgate.dc.impl.TestNode;

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

    /**
     * A .cfg a technician dropped is only ever read: a change made in the console applies, and the file keeps its
     * bytes (FileInstall's write-back once emptied such a file when the gateway stopped at the wrong moment).
     */
    @Test
    void aConfigurationFileInDeployIsReadButNeverRewritten(@TempDir Path home) throws Exception {
        try (GatewayProcess gw = new GatewayProcess(home, GatewayProcess.freePort())) {
            gw.awaitStarted();
            String cfg = "bindAddress=127.0.0.1\nport=0\nasDcKeyId=3\n"
                    + "asDcKey=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\niterations=100000\n";
            Path file = home.resolve("deploy/org.ntmgate.as.cfg");
            Files.writeString(file, cfg);
            gw.awaitGogo("as:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));
            gw.awaitConsole();
            int asPort = GatewayProcess.freePort();
            int status = gw.httpPostForm("/system/console/configMgr/org.ntmgate.as", ADMIN, generatedPassword(home),
                    "apply=true&action=ajaxConfigManager&propertylist=bindAddress,port,asDcKeyId,asDcKey,iterations&bindAddress=127.0.0.1"
                            + "&port=" + asPort + "&asDcKeyId=4&asDcKey=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf&iterations=100000");
            assertEquals(302, status, "the console took the change");
            gw.awaitGogo("as:status", l -> l.contains("serving on udp /127.0.0.1:" + asPort), Duration.ofSeconds(30));
            Thread.sleep(3000); // more than two FileInstall polls: a write-back would have happened by now
            assertEquals(cfg, Files.readString(file), "the technician's file is unchanged");
        }
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
    void aNewBuildOfARoleDroppedIntoDeployIsSwappedInWhileItServesAndABrokenBuildIsPutBackWithOneCommand(@TempDir Path home) throws Exception {
        swapInWhileServingThenPutBack(home, (gw, version, activator) -> {
            writeBuild(dcJar(), home.resolve("deploy/org.ntmgate.dc.jar"), version, activator);
            return gw.awaitLine("the outcome of the swap of " + version, swapOutcome(version), Duration.ofSeconds(60));
        });
    }

    /** The same at the box's console (Gogo), with builds copied onto the box. */
    @Test
    void aNewBuildOfARoleSwappedInWithGogoWhileItServesKeepsItsStateAndABrokenBuildIsPutBack(@TempDir Path home) throws Exception {
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
    }

    private static Path dcJar() {
        return Path.of(System.getProperty("dc.jar"));
    }

    private static Predicate<String> swapOutcome(String version) {
        return l -> l.contains("swapped org.ntmgate.dc ") && l.contains(" -> " + version + ";") || l.contains("org.ntmgate.dc " + version + " failed:")
                || l.contains("refused: ");
    }

    /**
     * While the DC serves a registered node and the table holds two entries: a new build through {@code door} is
     * swapped in and keeps both; a broken build is reported with the command that puts the previous one back, and that
     * command does, keeping both again.
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

                // A broken build: reported, with the command that puts the previous one back.
                String failed = door.swap(gw, "0.1.0.broken", "org.ntmgate.dc.impl.NoSuchActivator");
                assertTrue(failed.contains("org.ntmgate.dc 0.1.0.broken failed:")
                        && failed.contains("put the previous build (0.1.0.hotswap) back with: ntmgate:revert org.ntmgate.dc"), failed);
                // the answer of the command, not a log line that mentions the command
                String reverted = gw.gogo("ntmgate:revert org.ntmgate.dc", l -> l.contains("reverted ") || l.contains("refused: ")
                        || l.contains("reverting org.ntmgate.dc failed"));
                assertTrue(reverted.contains("reverted org.ntmgate.dc 0.1.0.broken -> 0.1.0.hotswap"), reverted);
                servesTheNodeAndKeepsTheEntries(gw, node, "back on the previous build, the node is still registered");
            }
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
            assertTrue(failed.body().contains("org.ntmgate.dc 0.1.0.broken failed:")
                    && failed.body().contains("put the previous build (0.1.0.console) back with: ntmgate:revert org.ntmgate.dc"), failed.body());
            String reverted = gw.gogo("ntmgate:revert org.ntmgate.dc", l -> l.contains("reverted ") || l.contains("refused: ")
                    || l.contains("reverting org.ntmgate.dc failed"));
            assertTrue(reverted.contains("reverted org.ntmgate.dc 0.1.0.broken -> 0.1.0.console"), reverted);
            gw.awaitGogo("dc:status", l -> l.contains("serving on udp"), Duration.ofSeconds(30));

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

    /** A copy of a bundle jar as another build: a new Bundle-Version, and optionally a Bundle-Activator that is not there. */
    private static void writeBuild(Path from, Path to, String version, String activator) throws Exception {
        Path tmp = to.resolveSibling(to.getFileName() + ".part");
        try (java.util.jar.JarFile in = new java.util.jar.JarFile(from.toFile())) {
            java.util.jar.Manifest mf = new java.util.jar.Manifest(in.getManifest());
            mf.getMainAttributes().putValue("Bundle-Version", version);
            if (activator != null) {
                mf.getMainAttributes().putValue("Bundle-Activator", activator);
            }
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(tmp), mf)) {
                for (var e : java.util.Collections.list(in.entries())) {
                    if (e.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                    in.getInputStream(e).transferTo(out);
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
