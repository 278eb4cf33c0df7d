package org.ntmgate.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real image on a box in a folder, run with its own trimmed Java runtime inside a network namespace of its own
 * (root, as CI is): flash, boot, upgrade keeping state, automatic rollback of a bad image, refusals that change
 * nothing, and a power cut after every step of an upgrade. Every process and namespace a test makes is removed
 * afterwards, by PID and by name, also when it fails.
 */
class BoxIT {
    private static final Path OUT = Path.of(System.getProperty("image.out", "target/image"));
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static Path images;
    private static KeyPair key;
    private static Path trusted;
    private static Path v1;
    private static Path v2;
    private static Path bad;
    /** An image whose gateway starts but whose AS bundle cannot start: it runs, and its health check says what is wrong. */
    private static Path unhealthy;
    private static Path badDefaults;
    /** An image whose gateway runs but never serves its console: the HTTP bundle cannot start. */
    private static Path noConsole;
    /** An image whose gateway crashes every time, a few seconds after it became healthy ({@link CrashingActivator}). */
    private static Path crashing;

    @TempDir
    Path tmp;
    private String ns;
    private Path root;
    private final List<Process> started = new ArrayList<>();
    /** The output of the gateway the test booted last (an upgrade's gateway writes to data/log/ntmgate.log). */
    private Path bootLog;

    @BeforeAll
    static void images() throws Exception {
        images = Files.createTempDirectory("ntmgate-images");
        key = Signing.generate();
        trusted = images.resolve("trusted.pub");
        Signing.writePublic(key.getPublic(), trusted);
        v1 = build("1.0.0", Path.of(System.getProperty("image.runtime.jar")));
        v2 = build("1.1.0", Path.of(System.getProperty("image.runtime.jar")));
        Path broken = images.resolve("broken.jar");
        Files.writeString(broken, "a bad build: this is no jar");
        bad = build("1.2.0", broken);
        Path noAs = images.resolve("no-as.jar");
        withActivator(Path.of(System.getProperty("image.runtime.jar")), "jar/org.ntmgate.as-", "org.ntmgate.as.NoSuchActivator", noAs);
        unhealthy = build("1.0.1", noAs);
        Path brokenDefaults = images.resolve("broken-defaults.jar");
        withBrokenDefaults(Path.of(System.getProperty("image.runtime.jar")), brokenDefaults);
        badDefaults = build("1.0.2", brokenDefaults);
        Path jettyBroken = images.resolve("no-console.jar");
        withActivator(Path.of(System.getProperty("image.runtime.jar")), "jar/org.apache.felix.http.jetty", "org.apache.felix.http.NoSuchActivator",
                jettyBroken);
        noConsole = build("1.0.3", jettyBroken);
        Path crash = images.resolve("crashing.jar");
        String activator = CrashingActivator.class.getName().replace('.', '/') + ".class";
        byte[] code;
        try (var in = BoxIT.class.getClassLoader().getResourceAsStream(activator)) {
            code = in.readAllBytes();
        }
        rebuilt(Path.of(System.getProperty("image.runtime.jar")), "jar/org.ntmgate.as-",
                mf -> mf.getMainAttributes().putValue("Bundle-Activator", CrashingActivator.class.getName()), Map.of(activator, code), crash);
        crashing = build("1.0.4", crash);
    }

    /**
     * A copy of the runtime jar {@code from} in which the bundle whose entry starts with {@code entryPrefix} names a
     * {@code Bundle-Activator} that does not exist (the framework resolves it but cannot start it), with that entry's
     * digest in the jar's manifest made again, as a build would: the launcher updates an installed bundle only when
     * its digest changed.
     */
    private static void withActivator(Path from, String entryPrefix, String activator, Path to) throws Exception {
        rebuilt(from, entryPrefix, mf -> mf.getMainAttributes().putValue("Bundle-Activator", activator), Map.of(), to);
    }

    /**
     * A copy of the runtime jar {@code from} in which the bundle whose entry starts with {@code entryPrefix} has its
     * manifest changed by {@code manifest} and the entries of {@code replaced} replaced (or added), with its digest in the
     * jar's manifest made again, as a build would: the launcher updates an installed bundle only when its digest
     * changed.
     */
    private static void rebuilt(Path from, String entryPrefix, java.util.function.Consumer<java.util.jar.Manifest> manifest, Map<String, byte[]> replaced,
            Path to) throws Exception {
        try (JarFile in = new JarFile(from.toFile())) {
            JarEntry target = Collections.list(in.entries()).stream()
                    .filter(e -> e.getName().startsWith(entryPrefix) && e.getName().endsWith(".jar")).findFirst()
                    .orElseThrow(() -> new AssertionError("the runtime jar has no entry " + entryPrefix + "*.jar"));
            ByteArrayOutputStream changed = new ByteArrayOutputStream();
            try (JarInputStream bundle = new JarInputStream(in.getInputStream(target))) {
                java.util.jar.Manifest mf = new java.util.jar.Manifest(bundle.getManifest());
                manifest.accept(mf);
                try (JarOutputStream out = new JarOutputStream(changed, mf)) {
                    Map<String, byte[]> added = new java.util.HashMap<>(replaced);
                    for (var b = bundle.getNextJarEntry(); b != null; b = bundle.getNextJarEntry()) {
                        out.putNextEntry(new ZipEntry(b.getName()));
                        if (replaced.containsKey(b.getName())) {
                            out.write(added.remove(b.getName()));
                        } else {
                            bundle.transferTo(out);
                        }
                        out.closeEntry();
                    }
                    for (var e : added.entrySet()) {
                        out.putNextEntry(new ZipEntry(e.getKey()));
                        out.write(e.getValue());
                        out.closeEntry();
                    }
                }
            }
            java.util.jar.Manifest outer = new java.util.jar.Manifest(in.getManifest());
            outer.getEntries().computeIfAbsent(target.getName(), n -> new Attributes()).putValue("SHA-256-Digest",
                    Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(changed.toByteArray())));
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(to), outer)) {
                for (var e : Collections.list(in.entries())) {
                    if (e.getName().equalsIgnoreCase("META-INF/MANIFEST.MF")) {
                        continue;
                    }
                    out.putNextEntry(new ZipEntry(e.getName()));
                    if (e.getName().equals(target.getName())) {
                        out.write(changed.toByteArray());
                    } else {
                        in.getInputStream(e).transferTo(out);
                    }
                    out.closeEntry();
                }
            }
        }
    }

    /**
     * The runtime jar with shipped defaults that break a role: the table's capacity 0, which its validator refuses.
     * The gateway starts and is healthy until the Configurator has applied them.
     */
    private static void withBrokenDefaults(Path from, Path to) throws Exception {
        String json;
        try (JarFile in = new JarFile(from.toFile())) {
            JarEntry defaults = Collections.list(in.entries()).stream().filter(e -> e.getName().startsWith("jar/org.ntmgate.defaults-")).findFirst().orElseThrow();
            try (JarInputStream bundle = new JarInputStream(in.getInputStream(defaults))) {
                for (var b = bundle.getNextJarEntry(); ; b = bundle.getNextJarEntry()) {
                    if (b.getName().equals(DEFAULTS_JSON)) {
                        json = new String(bundle.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                        break;
                    }
                }
            }
        }
        String broken = json.replace("\"capacity:Integer\": 65536", "\"capacity:Integer\": 0");
        assertNotEquals(json, broken, "the defaults name the table's capacity");
        rebuilt(from, "jar/org.ntmgate.defaults-", mf -> {
        }, Map.of(DEFAULTS_JSON, broken.getBytes(java.nio.charset.StandardCharsets.UTF_8)), to);
    }

    private static final String DEFAULTS_JSON = "OSGI-INF/configurator/ntmgate.json";

    @AfterAll
    static void deleteImages() throws IOException {
        Box.delete(images);
    }

    private static Path build(String version, Path runtimeJar) throws IOException {
        Path out = images.resolve(version);
        Files.createDirectories(out);
        return ImageBuilder.build(new ImageBuilder.Options(version, Box.ARCH, runtimeJar, Path.of(System.getProperty("image.tools.jar")),
                Path.of(System.getProperty("image.storage.jar")), OUT.resolve("java-runtime"), key.getPrivate(), key.getPublic(), out));
    }

    /** A fresh box flashed with v1 and a namespace of its own. */
    private void flash() throws Exception {
        ns = "ntmgate-box-" + ProcessHandle.current().pid() + "-" + (System.nanoTime() % 100000);
        root = tmp.resolve("box");
        exec("ip", "netns", "add", ns);
        exec("ip", "netns", "exec", ns, "ip", "link", "set", "lo", "up");
        flashInto(root);
    }

    /** The factory's flash of image 1.0.0 into {@code boxRoot}, with the on-box tool. */
    private static void flashInto(Path boxRoot) throws Exception {
        Process p = new ProcessBuilder(javaBin(), "-cp", System.getProperty("image.tools.jar") + ":" + System.getProperty("image.storage.jar"),
                "org.ntmgate.image.Tool", "flash", v1.toString(), boxRoot.toString(), "--trusted-key", trusted.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (root != null) {
            boxProcesses().forEach(ProcessHandle::destroyForcibly);
        }
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        if (ns != null) {
            exec("ip", "netns", "delete", ns);
        }
    }

    /** Runs a command to its end (bounded); returns its output. */
    private static String exec(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + String.join(" ", command));
        }
        return out;
    }

    /** Boots the box in its namespace, as systemd or init.d would (nothing on its standard input). */
    private Process boot() throws IOException {
        return boot(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    }

    /** Boots the box with a technician at its serial console: Gogo reads what {@link #gogo} types. */
    private Process bootWithConsole() throws IOException {
        return boot(ProcessBuilder.Redirect.PIPE);
    }

    private Process boot(ProcessBuilder.Redirect input) throws IOException {
        Files.createDirectories(tmp.resolve("logs"));
        bootLog = tmp.resolve("logs/boot-" + System.nanoTime() + ".log");
        Process p = new ProcessBuilder("ip", "netns", "exec", ns, root.resolve("bin/ntmgate-boot").toString()).redirectErrorStream(true)
                .redirectOutput(bootLog.toFile()).redirectInput(input).start();
        started.add(p);
        return p;
    }

    /**
     * Types {@code command} at the console of a box booted by {@link #bootWithConsole} and returns the first line of
     * output after it that {@code answered} accepts, within {@link #WAIT}.
     */
    private String gogo(Process box, String command, Predicate<String> answered) throws Exception {
        long from = Files.size(bootLog);
        box.getOutputStream().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        box.getOutputStream().flush();
        long deadline = System.nanoTime() + WAIT.toNanos();
        do {
            byte[] all = Files.readAllBytes(bootLog);
            String after = new String(all, (int) from, all.length - (int) from, StandardCharsets.UTF_8);
            Optional<String> line = after.lines().filter(answered).findFirst();
            if (line.isPresent()) {
                return line.get();
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no answer to " + command + " within " + WAIT.toSeconds() + " s:\n" + Files.readString(bootLog));
    }

    /** The box's upgrade command, in its namespace; returns exit status and output. */
    private Result upgrade(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns, root.resolve("bin/ntmgate-upgrade").toString()));
        cmd.addAll(List.of(args));
        return run(cmd, null);
    }

    record Result(int status, String output) {
    }

    private static Result run(List<String> cmd, String haltAfter) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        if (haltAfter != null) {
            pb.environment().put("NTMGATE_UPGRADE_HALT_AFTER", haltAfter);
        }
        Process p = pb.start();
        // the tool's output only: the gateway it starts writes to data/log
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the upgrade ended: " + out);
        return new Result(p.exitValue(), out);
    }

    /** GET on the console port inside the namespace: the body, a space, the status code ("000": no answer). */
    private String http(String path) throws Exception {
        String out = exec("ip", "netns", "exec", ns, "curl", "-s", "-m", "3", "-w", "\n%{http_code}", "http://127.0.0.1:8080" + path);
        int nl = out.lastIndexOf('\n');
        return out.substring(0, Math.max(0, nl)).trim() + " " + out.substring(nl + 1).trim();
    }

    private String awaitHealthy(String version) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            last = http("/ntmgate/health");
            if (last.contains("\"status\":\"ok\"") && last.contains("\"version\":\"" + version + "\"") && last.endsWith(" 200")
                    && http("/system/console/bundles").endsWith(" 401")) {
                return last;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("not healthy with " + version + " within " + WAIT.toSeconds() + " s: " + last + "\n" + log());
    }

    private String log() throws IOException {
        Path l = root.resolve("data/log/ntmgate.log");
        return Files.exists(l) ? Files.readString(l) : "(no data/log/ntmgate.log)";
    }

    private String state() throws IOException {
        return Files.readString(root.resolve("boot.state"));
    }

    /**
     * A fresh box running 1.0.0 is upgraded to {@code image} (with the tool's extra {@code options}); the upgrade
     * must roll back (status 2) to a healthy 1.0.0 that stays the active slot. Returns the tool's output.
     */
    private String upgradeRollsBack(Path image, String... options) throws Exception {
        flash();
        boot();
        awaitHealthy("1.0.0");
        List<String> args = new ArrayList<>(List.of("upgrade", image.toString()));
        args.addAll(List.of(options));
        Result rolled = upgrade(args.toArray(String[]::new));
        assertEquals(2, rolled.status(), rolled.output());
        assertTrue(rolled.output().contains("rolled back to 1.0.0 (slot A), healthy"), rolled.output());
        assertEquals("active=A\n", state());
        return rolled.output();
    }

    /** The processes of this box: the gateways the test or its upgrade tool started, found by the box's unique root path. */
    private List<ProcessHandle> boxProcesses() {
        return ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(root.toString())).orElse(false)).toList();
    }

    /** Switches the AS role on through the deploy folder: configuration state that must survive upgrades. */
    private void configureAs() throws IOException {
        // written beside and renamed, as a copy tool would: FileInstall never reads half a file
        Path tmp = root.resolve("data/deploy/.org.ntmgate.as.cfg.part");
        Files.writeString(tmp, "bindAddress=127.0.0.1\nport=0\nasDcKeyId=3\n"
                + "asDcKey=a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf\niterations=100000\n");
        Files.move(tmp, root.resolve("data/deploy/org.ntmgate.as.cfg"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    @Test
    void aFlashedBoxBootsOnItsOwnTrimmedRuntimeInANamespace() throws Exception {
        flash();
        Process p = boot();
        String health = awaitHealthy("1.0.0");
        assertTrue(health.contains("\"problems\":[]"), health);
        assertTrue(http("/system/console/bundles").endsWith(" 401"), "the console answers and wants a password");
        String command = ProcessHandle.of(Long.parseLong(Files.readString(root.resolve("run/ntmgate.pid")).trim())).orElseThrow().info().command()
                .orElse("");
        assertEquals(root.resolve("slots/A/runtime/bin/java").toString(), command, "the image's own jlink runtime, not the build JDK");
        assertFalse(Files.exists(root.resolve("slots/A/runtime/lib/modules")) && Files.size(root.resolve("slots/A/runtime/lib/modules")) > 60 << 20,
                "trimmed");
        assertTrue(launcherJars() > 0, "the launcher unpacks its jars into the data folder's tmp, not /tmp");
        assertTrue(p.isAlive());
    }

    /** The jars bnd's launcher unpacked for the running gateway (the start script points java.io.tmpdir at data/tmp). */
    private long launcherJars() throws IOException {
        try (java.util.stream.Stream<Path> s = Files.list(root.resolve("data/tmp"))) {
            return s.filter(f -> f.getFileName().toString().endsWith(".jar")).count();
        }
    }

    /**
     * The image's systemd unit, installed on a box flashed to /opt/ntmgate inside a system root that has systemd's own
     * units: {@code systemd-analyze verify} finds no unknown setting, no missing unit and an executable ExecStart. No
     * systemd runs here (it is not process 1), so this checks the unit, not a start by systemd; BoxIT starts the same
     * boot script the unit runs.
     */
    @Test
    void theSystemdUnitVerifiesOnAFlashedBox() throws Exception {
        Path sysroot = tmp.resolve("sysroot");
        Path units = Path.of("/usr/lib/systemd/system");
        assertTrue(Files.isDirectory(units), "systemd's units are needed (Debian package systemd; .ci/run installs it)");
        flashInto(sysroot.resolve("opt/ntmgate"));
        try {
            exec("mkdir", "-p", sysroot.resolve("usr/lib/systemd").toString(), sysroot.resolve("etc/systemd/system").toString());
            exec("cp", "-a", units.toString(), sysroot.resolve("usr/lib/systemd").toString());
            Path unit = sysroot.resolve("etc/systemd/system/ntmgate.service");
            Files.copy(sysroot.resolve("opt/ntmgate/slots/A/etc/systemd/ntmgate.service"), unit);
            Result verified = run(List.of("systemd-analyze", "verify", "--root=" + sysroot, "ntmgate.service"), null);
            assertEquals(new Result(0, ""), verified, "systemd-analyze verify: no complaint");

            // the same check on a unit whose command is missing fails: the check can tell
            Files.writeString(unit, Files.readString(unit).replace("ExecStart=/opt/ntmgate/bin/ntmgate-boot", "ExecStart=/opt/ntmgate/bin/no-such-boot"));
            Result broken = run(List.of("systemd-analyze", "verify", "--root=" + sysroot, "ntmgate.service"), null);
            assertTrue(broken.status() != 0 && broken.output().contains("no-such-boot"), broken.toString());
        } finally {
            Box.delete(sysroot);
        }
    }

    @Test
    void thePlainShellInitStartsReportsAndStopsTheGateway() throws Exception {
        flash();
        String init = root.resolve("slots/A/etc/init.d/ntmgate").toString();
        List<String> env = List.of("env", "NTMGATE_ROOT=" + root);
        assertTrue(initd(env, init, "start").contains("ntmgate started"));
        awaitHealthy("1.0.0");
        String status = initd(env, init, "status");
        assertTrue(status.contains("ntmgate is running (pid " + Files.readString(root.resolve("run/ntmgate.pid")).trim() + ")"), status);
        assertTrue(initd(env, init, "stop").contains("ntmgate stopped"));
        assertTrue(initd(env, init, "status").contains("not running"));
        assertTrue(Files.readString(root.resolve("data/log/ntmgate.log")).contains("Shutdown requested"), "a clean stop: SIGTERM, not SIGKILL");

        // the clean stop (before the 60 s after which a running gateway writes it) wrote the class-data archive of
        // this slot and version; the next start maps it
        Path archive = root.resolve("data/cache/cds-A-1.0.0.jsa");
        assertTrue(Files.size(archive) > 1 << 20, "the first clean stop wrote " + archive);
        assertTrue(log().contains("Class-data archive written"), "and logged it");
        assertTrue(initd(env, init, "start").contains("ntmgate started"));
        awaitHealthy("1.0.0");
        assertTrue(mapped(archive), "the second start maps the archive");
        assertTrue(initd(env, init, "stop").contains("ntmgate stopped"));

        // a damaged archive (a power cut while it was written) is refused by its checksums and the gateway starts without it
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(archive, java.nio.file.StandardOpenOption.WRITE)) {
            ch.write(java.nio.ByteBuffer.allocate(64 << 10), Files.size(archive) / 2);
        }
        assertTrue(initd(env, init, "start").contains("ntmgate started"));
        awaitHealthy("1.0.0");
        assertFalse(mapped(archive), "a damaged archive is not used");
        assertTrue(log().contains("Unable to use shared archive"), "and the log says so");
        assertTrue(initd(env, init, "stop").contains("ntmgate stopped"));

        // a box that is never stopped cleanly: the running gateway writes the archive (here 1 s after it started
        // instead of 60), a power cut follows, and the next start maps it
        Files.delete(archive);
        List<String> soon = List.of("env", "NTMGATE_ROOT=" + root, "JAVA_OPTS=-Dntmgate.cds.delay.seconds=1");
        assertTrue(initd(soon, init, "start").contains("ntmgate started"));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!log().contains("Class-data archive written 1 s after start") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        String written = log();
        assertTrue(written.contains("Class-data archive written 1 s after start"), () -> "the running gateway wrote it; log:\n" + written);
        assertTrue(Files.size(archive) > 1 << 20 && !Files.exists(archive.resolveSibling(archive.getFileName() + ".part")), "whole, renamed");
        awaitHealthy("1.0.0"); // it carries on after the pause
        ProcessHandle gateway = ProcessHandle.of(Long.parseLong(Files.readString(root.resolve("run/ntmgate.pid")).trim())).orElseThrow();
        gateway.destroyForcibly(); // SIGKILL: a power cut
        gateway.onExit().get(30, TimeUnit.SECONDS);
        assertTrue(initd(env, init, "start").contains("ntmgate started"));
        awaitHealthy("1.0.0");
        assertTrue(mapped(archive), "the start after the power cut maps the archive the running gateway wrote");
        assertTrue(initd(env, init, "stop").contains("ntmgate stopped"));
    }

    /** Whether the running gateway maps {@code file} (/proc/PID/maps). */
    private boolean mapped(Path file) throws IOException {
        String pid = Files.readString(root.resolve("run/ntmgate.pid")).trim();
        return Files.readString(Path.of("/proc", pid, "maps")).contains(file.toString());
    }

    private String initd(List<String> env, String init, String verb) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        cmd.addAll(env);
        cmd.addAll(List.of(init, verb));
        return exec(cmd.toArray(String[]::new));
    }

    @Test
    void anUpgradeKeepsEveryPieceOfStateAndABadImageRollsBackByItself() throws Exception {
        flash();
        Process a = bootWithConsole();
        awaitHealthy("1.0.0");
        configureAs();
        awaitHealthy("1.0.0");
        // state made at the console, one piece of each kind: an account, a lease, a translation entry
        long asUp = System.nanoTime() + WAIT.toNanos();
        // as:status answers whether or not the AS runs yet: "serving on udp" on its own line once it serves, else one
        // line saying why it is off ("not configured", "configured but not serving")
        while (!gogo(a, "as:status", l -> l.contains("serving on udp") || l.contains("Account Server not configured")
                || l.contains("Account Server configured")).contains("serving on udp")) {
            assertTrue(System.nanoTime() < asUp, "the AS configured through the deploy folder serves");
            Thread.sleep(500);
        }
        String account = gogo(a, "as:add state.example.net correct-horse", l -> l.contains("added ") || l.contains("refused"));
        assertTrue(account.contains("added state.example.net"), account);
        String lease = gogo(a, "pool:reserve 6 node state.example.net", l -> l.contains("reserved ") || l.contains("refused"));
        assertTrue(lease.contains("in pool node-v6"), lease);
        String entry = gogo(a, "table:add 2001:db8:1::1 2001:db8:2::1", l -> l.contains("added ") || l.contains("refused: "));
        assertTrue(entry.contains("added "), entry);
        String password = Files.readAllLines(root.resolve("data/console-password")).stream().filter(l -> l.startsWith("password="))
                .map(l -> l.substring("password=".length())).findFirst().orElseThrow();
        assertEquals("200", exec("ip", "netns", "exec", ns, "curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}", "-u",
                "admin:" + password, "http://127.0.0.1:8080/system/console/bundles"), "the generated console password works");
        List<Path> stateFiles;
        try (var s = Files.walk(root.resolve("data/framework"))) {
            // the bundles' own data areas (leases, the table snapshot, accounts, ConfigAdmin's store): what an upgrade must keep
            stateFiles = s.filter(f -> f.toString().matches(".*/framework/bundle\\d+/data/.*") && Files.isRegularFile(f)).toList();
        }
        assertFalse(stateFiles.isEmpty());

        Result up = upgrade("upgrade", v2.toString());
        assertEquals(0, up.status(), up.output() + "\n" + log());
        assertTrue(up.output().contains("upgraded from 1.0.0 (slot A) to 1.1.0 (slot B)"), up.output());
        assertEquals("active=B\n", state());
        String health = awaitHealthy("1.1.0");
        assertFalse(health.contains("role as"), "the AS configured before the upgrade serves after it: " + health);
        assertTrue(exec("ip", "netns", "exec", ns, "curl", "-s", "-m", "3", "-o", "/dev/null", "-w", "%{http_code}", "-u", "admin:" + password,
                "http://127.0.0.1:8080/system/console/bundles").equals("200"), "the console password survived");
        for (Path f : stateFiles) {
            assertTrue(Files.exists(f), "state kept: " + f);
        }
        // and the new image's gateway read every piece back (its output is data/log/ntmgate.log; the first gateway's was not)
        String b = log();
        assertTrue(b.contains("Account Server: 1 accounts from "), "the account: " + b);
        assertTrue(b.contains("Restored 1 leases from "), "the lease: " + b);
        assertTrue(b.contains("Restored 1 translation entries from "), "the translation entry: " + b);

        Result rolled = upgrade("upgrade", bad.toString());
        assertEquals(2, rolled.status(), rolled.output());
        assertTrue(rolled.output().contains("failed its health check: the gateway exited"), rolled.output());
        assertTrue(rolled.output().contains("rolled back to 1.1.0 (slot B), healthy"), rolled.output());
        assertEquals("active=B\n", state());
        awaitHealthy("1.1.0");

        Result older = upgrade("upgrade", v1.toString());
        assertEquals(1, older.status());
        assertTrue(older.output().contains("refused: the image's version 1.0.0 is not newer than the running 1.1.0"), older.output());
        Path otherKey = images.resolve("other");
        Files.createDirectories(otherKey);
        Path foreign = ImageBuilder.build(new ImageBuilder.Options("9.0.0", Box.ARCH, Path.of(System.getProperty("image.runtime.jar")),
                Path.of(System.getProperty("image.tools.jar")), Path.of(System.getProperty("image.storage.jar")), OUT.resolve("java-runtime"),
                Signing.generate().getPrivate(), key.getPublic(), otherKey));
        Result refused = upgrade("upgrade", foreign.toString());
        assertEquals(1, refused.status());
        assertTrue(refused.output().contains("not signed by the key this box trusts"), refused.output());
        assertEquals("active=B\n", state(), "refused images change nothing");
        awaitHealthy("1.1.0");

        Result toFailed = upgrade("rollback");
        assertEquals(1, toFailed.status(), toFailed.output());
        assertTrue(toFailed.output().contains("slot A holds 1.2.0 failed its health check"), "the other slot holds the failed build: "
                + toFailed.output());

        Result forced = upgrade("upgrade", v1.toString(), "--force");
        assertEquals(0, forced.status(), forced.output());
        assertTrue(forced.output().contains("upgraded from 1.1.0 (slot B) to 1.0.0 (slot A)"), forced.output());
        awaitHealthy("1.0.0");
        Result back = upgrade("rollback");
        assertEquals(0, back.status(), back.output());
        assertTrue(back.output().contains("rolled back from 1.0.0 (slot A) to 1.1.0 (slot B)"), back.output());
        awaitHealthy("1.1.0");
    }

    @Test
    void aNewImageThatRunsButIsNotHealthyRollsBackAndSaysWhatWasWrong() throws Exception {
        // its gateway starts and its console answers, but one bundle is not active: the health check (every bundle
        // active) fails within its time, and the box goes back to the image it ran
        String out = upgradeRollsBack(unhealthy);
        assertTrue(out.contains("failed its health check: health: 503"), out);
        assertTrue(out.contains("bundle org.ntmgate.as 0.1.0.SNAPSHOT is RESOLVED (not started)"), out);
        awaitHealthy("1.0.0");
    }

    /**
     * An image whose shipped defaults break a role: its gateway starts and is healthy for a moment, until the
     * Configurator has applied the defaults (the table's capacity 0, refused). The health check waits for the new
     * image to stay healthy through its settling period, so it is not confirmed: it rolls back and names the refusal.
     */
    @Test
    void aNewImageWhoseDefaultsBreakARoleIsNotConfirmedAndRollsBack() throws Exception {
        String out = upgradeRollsBack(badDefaults, "--health-timeout", "45");
        assertTrue(out.contains("the new image failed its health check: health: 503"), out);
        assertTrue(out.contains("org.ntmgate.table") && out.contains("'capacity' must be 1..16777216"), out);
    }

    /** An image whose gateway runs but whose console never answers is not confirmed: the check's deadline passes. */
    @Test
    void aNewImageWhoseConsoleNeverAnswersRollsBack() throws Exception {
        String out = upgradeRollsBack(noConsole, "--health-timeout", "30");
        assertTrue(out.contains("the new image failed its health check: the console did not answer (ConnectException) within 30 s"), out);
        assertTrue(Files.readString(root.resolve("slots/B/FAILED")).startsWith("1.0.3 failed its health check: the console did not answer"));
    }

    /**
     * An image whose gateway crashes every time it runs, a few seconds after it became healthy: the check sees its
     * gateway exit within the settling period and rolls back; a later boot (systemd's restart after a crash, a power
     * cut) starts the slot that was confirmed, never the failed one.
     */
    @Test
    void aNewImageThatCrashesOnceHealthyRollsBackAndIsNeverBootedAgain() throws Exception {
        String out = upgradeRollsBack(crashing);
        assertTrue(out.contains("the new image failed its health check: the gateway exited with status " + CrashingActivator.STATUS
                + " (it had been healthy for "), out);
        // the box restarts, as systemd does after a crash: the confirmed slot boots, and stays up
        for (ProcessHandle h : boxProcesses()) {
            h.destroy();
            h.onExit().get(60, TimeUnit.SECONDS);
        }
        boot();
        awaitHealthy("1.0.0");
        Thread.sleep(5000);
        assertTrue(http("/ntmgate/health").contains("\"version\":\"1.0.0\""), "the confirmed slot keeps running");
    }

    @Test
    void aPowerCutAfterAnyStepOfAnUpgradeLeavesABoxThatBootsOneGoodSlot() throws Exception {
        for (String step : Tool.STEPS) {
            flash();
            boot();
            awaitHealthy("1.0.0");
            List<String> cmd = List.of("ip", "netns", "exec", ns, root.resolve("bin/ntmgate-upgrade").toString(), "upgrade", v2.toString());
            Result cut = run(cmd, step);
            assertEquals(137, cut.status(), step + ": " + cut.output());
            // the power cut: every process of the box dies at once
            ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains(root.toString())).orElse(false))
                    .forEach(h -> {
                        h.destroyForcibly();
                        h.onExit().orTimeout(10, TimeUnit.SECONDS).join();
                    });
            boot();
            String expected = step.equals("confirmed") ? "1.1.0" : "1.0.0";
            awaitHealthy(expected);
            assertFalse(state().contains("trial="), step + ": the unfinished trial is forgotten at boot");
            // the killed gateway's unpacked jars were removed at boot: only this start's (six: Felix, the launcher, slf4j, JSON)
            assertEquals(6, launcherJars(), step + ": leftovers of the killed gateway in data/tmp");
            cleanUp();
            started.clear();
            root = null;
            ns = null;
            Box.delete(tmp.resolve("box"));
        }
    }
}
