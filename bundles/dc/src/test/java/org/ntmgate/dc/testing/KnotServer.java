package org.ntmgate.dc.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real authoritative DNS server for tests: Knot DNS (knotd, Debian package 'knot', installed by .ci/run) serving
 * one zone on a free loopback port from a folder of its own. {@link #close()} stops the process it started, by its
 * PID, and removes the folder, also after a failed test.
 */
public final class KnotServer implements AutoCloseable {
    private final Path dir;
    private final Process process;
    public final InetSocketAddress address;

    /** The TSIG key (HMAC-SHA-256) the test DCs sign their updates with; Knot allows updates only with it. */
    public static final String TSIG_NAME = "ntmgate-dc-test";
    public static final String TSIG_SECRET = "bnRtZ2F0ZS1kYy10ZXN0LXRzaWcta2V5LTMyLWJ5dGVz";

    public KnotServer(String zone, String records) throws Exception {
        this(Map.of(zone, records));
    }

    /** Serves each zone with its records (zone file syntax, names relative to the zone); updates with {@link #TSIG_NAME}. */
    public KnotServer(Map<String, String> zones) throws Exception {
        this(zones, freePort());
    }

    public static int freePort() throws IOException {
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            return s.getLocalPort();
        }
    }

    public KnotServer(Map<String, String> zones, int port) throws Exception {
        dir = Files.createTempDirectory("knot-test");
        address = new InetSocketAddress("127.0.0.1", port);
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("db"));
        StringBuilder conf = new StringBuilder("server:\n    rundir: \"" + dir.resolve("run") + "\"\n    listen: 127.0.0.1@" + port
                + "\ndatabase:\n    storage: \"" + dir.resolve("db") + "\"\nlog:\n  - target: stderr\n    any: info\n"
                + "key:\n  - id: " + TSIG_NAME + "\n    algorithm: hmac-sha256\n    secret: " + TSIG_SECRET + "\n"
                + "acl:\n  - id: dc-update\n    key: " + TSIG_NAME + "\n    action: update\n" + "zone:\n");
        for (Map.Entry<String, String> z : zones.entrySet()) {
            String zone = z.getKey();
            Files.writeString(dir.resolve(zone + ".zone"), "$ORIGIN " + zone + ".\n$TTL 300\n"
                    + "@ SOA ns." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 30\n@ NS ns." + zone + ".\n"
                    + "ns A 192.0.2.53\n" + z.getValue());
            conf.append("  - domain: " + zone + "\n    storage: \"" + dir + "\"\n    file: \"" + zone + ".zone\"\n    acl: dc-update\n");
        }
        Files.writeString(dir.resolve("knot.conf"), conf.toString());
        process = new ProcessBuilder("knotd", "-c", dir.resolve("knot.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("knotd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (count(Files.readString(dir.resolve("knotd.log")), "loaded, serial") < zones.size()) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("knotd.log"));
                close();
                throw new IllegalStateException("knotd did not load the zone within 15 s:\n" + log);
            }
            Thread.sleep(50);
        }
    }

    private static int count(String text, String what) {
        int n = 0;
        for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
            n++;
        }
        return n;
    }

    /** The server's log so far (for failure messages). */
    public String log() throws IOException {
        return Files.readString(dir.resolve("knotd.log"));
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
