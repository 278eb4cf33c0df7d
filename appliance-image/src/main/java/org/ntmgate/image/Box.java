package org.ntmgate.image;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

import org.ntmgate.storage.AtomicFile;

/**
 * A box as docs/image.md lays it out: {@code slots/A} and {@code slots/B} hold unpacked images, {@code data/} holds
 * all state (the gateway's home), {@code boot.state} says which slot is active and which is on trial,
 * {@code bin/ntmgate-boot} starts the gateway, {@code run/ntmgate.pid} names the running gateway.
 */
public final class Box {
    public static final String ARCH = arch();
    final Path root;
    final int port;

    /** {@code active}: the slot that boots; {@code trial}: a slot being upgraded to, not yet confirmed (or null). */
    public record State(String active, String trial) {
    }

    public Box(Path root, int port) {
        this.root = root;
        this.port = port;
    }

    private static String arch() {
        String a = System.getProperty("os.arch");
        return "linux-" + (a.equals("amd64") ? "x86_64" : a.equals("aarch64") ? "aarch64" : a);
    }

    Path slot(String s) {
        return root.resolve("slots").resolve(s);
    }

    static String other(String s) {
        return s.equals("A") ? "B" : "A";
    }

    Path data() {
        return root.resolve("data");
    }

    boolean flashed() {
        return Files.exists(root.resolve("boot.state"));
    }

    public State state() throws IOException {
        String active = null;
        String trial = null;
        for (String line : Files.readAllLines(root.resolve("boot.state"), StandardCharsets.US_ASCII)) {
            if (line.startsWith("active=")) {
                active = line.substring(7).trim();
            } else if (line.startsWith("trial=")) {
                trial = line.substring(6).trim();
            }
        }
        if (!"A".equals(active) && !"B".equals(active)) {
            throw new IOException(root.resolve("boot.state") + " names no active slot");
        }
        return new State(active, trial == null || trial.isEmpty() ? null : trial);
    }

    /** Written atomically: a power cut leaves the old state or the new one. */
    void write(State s) throws IOException {
        String text = "active=" + s.active() + "\n" + (s.trial() == null ? "" : "trial=" + s.trial() + "\n");
        AtomicFile.write(root.resolve("boot.state"), out -> out.write(text.getBytes(StandardCharsets.US_ASCII)));
    }

    PublicKey trusted() throws IOException {
        return Signing.readPublic(slot(state().active()).resolve("keys/trusted.pub"));
    }

    Manifest manifest(String slot) throws IOException, ImageRefused {
        return Manifest.parse(Files.readAllBytes(slot(slot).resolve("MANIFEST")));
    }

    static void delete(Path p) throws IOException {
        if (Files.exists(p)) {
            try (Stream<Path> s = Files.walk(p)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
            }
        }
    }

    /** The running gateway of this box, if any: the PID file names it and it is still an ntmgate process. */
    Optional<ProcessHandle> running() throws IOException {
        Path pidFile = root.resolve("run/ntmgate.pid");
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        long pid;
        try {
            pid = Long.parseLong(Files.readString(pidFile).trim());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains(root.toString())).orElse(false));
    }

    /** Stops the running gateway: SIGTERM, then at most {@code grace} before SIGKILL. */
    void stop(Duration grace) throws IOException, InterruptedException {
        Optional<ProcessHandle> p = running();
        if (p.isEmpty()) {
            return;
        }
        ProcessHandle h = p.get();
        h.destroy();
        try {
            h.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            h.destroyForcibly();
            try {
                h.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e2) {
                throw new IOException("the gateway (pid " + h.pid() + ") did not stop");
            }
        }
    }

    /** Starts the gateway through the boot script, detached; its output goes to data/log/ntmgate.log. */
    Process boot(boolean trial) throws IOException {
        Files.createDirectories(data().resolve("log"));
        File log = data().resolve("log/ntmgate.log").toFile();
        ProcessBuilder pb = trial ? new ProcessBuilder(root.resolve("bin/ntmgate-boot").toString(), "--trial")
                : new ProcessBuilder(root.resolve("bin/ntmgate-boot").toString());
        pb.environment().put("NTMGATE_PORT", Integer.toString(port));
        return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start();
    }

    /**
     * The health check (docs/image.md): within {@code timeout}, the console answers, {@code /ntmgate/health} says ok
     * and reports {@code version}, and both stay so without a break for {@code settle}, so that what the gateway
     * applies after its first healthy moment (the Configurator's defaults, the files in {@code deploy/}, a role that
     * starts and then fails) is part of the verdict. Returns null when healthy, else why not: the last answer, with
     * how long it had been healthy when that lapsed.
     */
    String health(Process process, String version, Duration timeout, Duration settle) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "the console did not answer";
        long healthySince = -1;
        String lapsed = "";
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                String before = healthySince >= 0 ? healthyFor(System.nanoTime() - healthySince, settle) : lapsed.isEmpty() ? " before it was healthy" : lapsed;
                return "the gateway exited with status " + process.exitValue() + before + " (see data/log/ntmgate.log)";
            }
            String why = healthNow(version);
            long now = System.nanoTime();
            if (why == null) {
                if (healthySince < 0) {
                    healthySince = now;
                }
                if (now - healthySince >= settle.toNanos()) {
                    return null;
                }
            } else {
                if (healthySince >= 0) {
                    lapsed = healthyFor(now - healthySince, settle);
                }
                healthySince = -1;
                last = why;
            }
            Thread.sleep(250);
        }
        return healthySince >= 0 ? "healthy for only " + Duration.ofNanos(System.nanoTime() - healthySince).toSeconds() + " s of " + settle.toSeconds()
                + " s when the " + timeout.toSeconds() + " s were up; before: " + last + lapsed : last + lapsed + " within " + timeout.toSeconds() + " s";
    }

    /** How long an image had been healthy, of the settling period, as the check's reasons say it. */
    private static String healthyFor(long nanos, Duration settle) {
        return " (it had been healthy for " + Duration.ofNanos(nanos).toSeconds() + " s of the " + settle.toSeconds() + " s it must stay so)";
    }

    /** One look: null when the console answers and the health check says ok for {@code version}, else what it said. */
    private String healthNow(String version) {
        try {
            int console = get("/system/console/bundles", null);
            if (console != 401 && console != 200) {
                return "the console answered " + console;
            }
            StringBuilder body = new StringBuilder();
            int status = get("/ntmgate/health", body);
            if (status == 200 && body.indexOf("\"status\":\"ok\"") >= 0 && body.indexOf("\"version\":\"" + version + "\"") >= 0) {
                return null;
            }
            return "health: " + status + " " + body.toString().trim();
        } catch (IOException e) {
            return "the console did not answer (" + e.getClass().getSimpleName() + ")";
        }
    }

    /** One GET on the console's port (java.base only: the trimmed runtime has no java.net.http). */
    private int get(String path, StringBuilder body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + path).toURL().openConnection();
        c.setConnectTimeout(2000);
        c.setReadTimeout(3000);
        try {
            int status = c.getResponseCode();
            if (body != null) {
                try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                    if (in != null) {
                        body.append(new String(in.readNBytes(1 << 16), StandardCharsets.UTF_8));
                    }
                }
            }
            return status;
        } finally {
            c.disconnect();
        }
    }
}
