package org.ntmgate.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The box's image command (docs/image.md), run by {@code bin/ntmgate-upgrade} with the slot's own Java runtime:
 * <pre>
 * flash   IMAGE ROOT --trusted-key FILE [--force]   a fresh box: the image into slot A, empty data
 * upgrade IMAGE [--force]                          verify, write the inactive slot, switch, start, check; roll back on failure
 * rollback                                         boot the other slot (it must hold a good image), check; back again on failure
 * status                                           slots, versions, state
 * </pre>
 * Options: {@code --root DIR} (default: the box this tool is installed in), {@code --port N} (the console's port,
 * default $NTMGATE_PORT or 8080), {@code --settle S} (how long a new image must stay healthy, default 10 s),
 * {@code --health-timeout S} (how long it has for that, default 90 s). Exit status: 0 done, 1 refused (nothing changed), 2 rolled back, 3 failed.
 */
public final class Tool {
    /** The upgrade's steps, in order; a power cut can fall between any two (the tests halt after each). */
    public static final List<String> STEPS = List.of("verified", "staged", "trial-set", "stopped", "started", "checked", "confirmed");
    static final Duration STOP_GRACE = Duration.ofSeconds(40);
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(90);
    /** How long a new image must stay healthy, without a break, to be confirmed (docs/image.md, step 6). */
    static final Duration SETTLE = Duration.ofSeconds(10);
    /** Written into a slot whose image failed its health check (not part of the image; the next upgrade replaces the slot). */
    static final String FAILED = "FAILED";

    private final Box box;
    private final Duration settle;
    private final Duration timeout;

    Tool(Box box, Duration settle, Duration timeout) {
        this.box = box;
        this.settle = settle;
        this.timeout = timeout;
    }

    public static void main(String[] args) throws Exception {
        List<String> rest = new ArrayList<>();
        Path root = null;
        Path key = null;
        boolean force = false;
        Duration settle = SETTLE;
        Duration timeout = HEALTH_TIMEOUT;
        int port = System.getenv("NTMGATE_PORT") == null ? 8080 : Integer.parseInt(System.getenv("NTMGATE_PORT"));
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[++i]);
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--trusted-key" -> key = Path.of(args[++i]);
                case "--force" -> force = true;
                case "--settle" -> settle = Duration.ofSeconds(Long.parseLong(args[++i]));
                case "--health-timeout" -> timeout = Duration.ofSeconds(Long.parseLong(args[++i]));
                default -> rest.add(args[i]);
            }
        }
        if (rest.isEmpty()) {
            System.err.println("usage: ntmgate-upgrade flash IMAGE ROOT --trusted-key FILE | upgrade IMAGE [--force] | rollback | status");
            System.exit(64);
        }
        String command = rest.get(0);
        if (root == null) {
            root = command.equals("flash") && rest.size() > 2 ? Path.of(rest.get(2)) : installedRoot();
        }
        if (settle.isNegative() || timeout.compareTo(settle) <= 0) {
            System.err.println("--health-timeout (" + timeout.toSeconds() + " s) must be longer than --settle (" + settle.toSeconds() + " s)");
            System.exit(64);
        }
        Tool t = new Tool(new Box(root.toAbsolutePath(), port), settle, timeout);
        int status;
        try {
            status = switch (command) {
                case "flash" -> t.flash(Path.of(rest.get(1)), key, force);
                case "upgrade" -> t.upgrade(Path.of(rest.get(1)), force);
                case "rollback" -> t.rollback();
                case "status" -> t.status();
                default -> {
                    System.err.println("unknown command " + command);
                    yield 64;
                }
            };
        } catch (ImageRefused e) {
            System.err.println("refused: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    /** The box whose slot holds this tool: ROOT/slots/X/lib/ntmgate-image-tools.jar. */
    private static Path installedRoot() throws Exception {
        Path jar = Path.of(Tool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        return jar.getParent().getParent().getParent().getParent();
    }

    private static void say(String text) {
        System.out.println("ntmgate-upgrade: " + text);
    }

    /** Fault injection for the power-cut tests: NTMGATE_UPGRADE_HALT_AFTER=<step> halts the JVM at once after it. */
    private static void step(String name) {
        if (name.equals(System.getenv("NTMGATE_UPGRADE_HALT_AFTER"))) {
            Runtime.getRuntime().halt(137);
        }
    }

    int flash(Path image, Path trustedKey, boolean force) throws IOException, ImageRefused {
        if (trustedKey == null) {
            throw new ImageRefused("flash needs --trusted-key: the public key this box will trust");
        }
        if (box.flashed() && !force) {
            throw new ImageRefused(box.root + " is already flashed (boot.state exists); use --force to wipe it");
        }
        PublicKey key = Signing.readPublic(trustedKey);
        Box.delete(box.root.resolve("slots"));
        Manifest m = ImageFile.unpack(image, key, Box.ARCH, null, true, box.slot("A"));
        Files.createDirectories(box.root.resolve("bin"));
        Files.createDirectories(box.data());
        Files.createDirectories(box.root.resolve("run"));
        for (String script : List.of("bin/ntmgate-boot", "bin/ntmgate-upgrade")) {
            Files.copy(box.slot("A").resolve(script), box.root.resolve(script), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.COPY_ATTRIBUTES);
        }
        box.write(new Box.State("A", null));
        say("flashed " + m.version() + " (" + m.arch() + ", built " + m.built() + ") into slot A of " + box.root);
        return 0;
    }

    int upgrade(Path image, boolean force) throws Exception {
        Box.State s = box.state();
        if (s.trial() != null) {
            say("an earlier upgrade to slot " + s.trial() + " did not finish; slot " + s.active() + " stays active");
            box.write(new Box.State(s.active(), null));
        }
        String from = s.active();
        String to = Box.other(from);
        Manifest running = box.manifest(from);
        Path staging = box.root.resolve("slots/.staging");
        Box.delete(staging);
        Manifest m;
        try {
            m = ImageFile.unpack(image, box.trusted(), Box.ARCH, Version.parse(running.version()), force, staging);
        } catch (ImageRefused | IOException e) {
            Box.delete(staging);
            throw e;
        }
        say("verified " + image.getFileName() + ": version " + m.version() + ", signed, every file checked");
        step("verified");
        Box.delete(box.slot(to));
        Files.move(staging, box.slot(to));
        step("staged");
        box.write(new Box.State(from, to));
        step("trial-set");
        box.stop(STOP_GRACE);
        say("stopped " + running.version() + " (slot " + from + ")");
        step("stopped");
        Process p = box.boot(true);
        say("started " + m.version() + " (slot " + to + "), checking its health");
        step("started");
        String why = box.health(p, m.version(), timeout, settle);
        step("checked");
        if (why == null) {
            box.write(new Box.State(to, null));
            step("confirmed");
            say("upgraded from " + running.version() + " (slot " + from + ") to " + m.version() + " (slot " + to + ")");
            return 0;
        }
        say("the new image failed its health check: " + why);
        // the slot keeps the failed image for diagnosis, marked so that a rollback does not boot it
        Files.writeString(box.slot(to).resolve(FAILED), m.version() + " failed its health check: " + why + "\n");
        Process back = fallBack(p, from);
        String again = box.health(back, running.version(), timeout, settle);
        say("rolled back to " + running.version() + " (slot " + from + ")" + (again == null ? ", healthy" : ", which is not healthy either: " + again));
        return 2;
    }

    int rollback() throws Exception {
        Box.State s = box.state();
        String from = s.active();
        String to = Box.other(from);
        if (Files.exists(box.slot(to).resolve(FAILED))) {
            throw new ImageRefused("slot " + to + " holds " + Files.readString(box.slot(to).resolve(FAILED)).trim()
                    + "; install a good image with upgrade instead");
        }
        Manifest target = ImageFile.check(box.slot(to), box.trusted());
        Manifest running = box.manifest(from);
        box.write(new Box.State(from, to));
        box.stop(STOP_GRACE);
        Process p = box.boot(true);
        String why = box.health(p, target.version(), timeout, settle);
        if (why == null) {
            box.write(new Box.State(to, null));
            say("rolled back from " + running.version() + " (slot " + from + ") to " + target.version() + " (slot " + to + ")");
            return 0;
        }
        fallBack(p, from);
        say("slot " + to + " failed its health check (" + why + "); back on " + running.version() + " (slot " + from + ")");
        return 2;
    }

    /** Stops the slot on trial (SIGTERM, SIGKILL after the grace), makes {@code slot} active again and boots it. */
    private Process fallBack(Process trial, String slot) throws IOException, InterruptedException {
        trial.destroy();
        if (!trial.waitFor(STOP_GRACE.toSeconds(), java.util.concurrent.TimeUnit.SECONDS)) {
            trial.destroyForcibly().waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        }
        box.stop(STOP_GRACE);
        box.write(new Box.State(slot, null));
        return box.boot(false);
    }

    int status() throws IOException, ImageRefused {
        Box.State s = box.state();
        for (String slot : List.of("A", "B")) {
            String what = Files.exists(box.slot(slot).resolve("MANIFEST")) ? box.manifest(slot).version() : "empty";
            say("slot " + slot + ": " + what + (slot.equals(s.active()) ? " (active)" : "") + (slot.equals(s.trial()) ? " (on trial)" : ""));
        }
        say("gateway " + box.running().map(h -> "running, pid " + h.pid()).orElse("not running"));
        return 0;
    }
}
