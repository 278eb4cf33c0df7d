package org.ntmgate.dc.impl;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real authoritative DNS server for tests: Knot DNS (knotd, Debian package 'knot', installed by .ci/run) serving
 * one zone on a free loopback port from a folder of its own. {@link #close()} stops the process it started, by its
 * PID, and removes the folder, also after a failed test.
 */
final class KnotServer implements AutoCloseable {
    private final Path dir;
    private final Process process;
    final InetSocketAddress address;

    KnotServer(String zone, String records) throws Exception {
        dir = Files.createTempDirectory("knot-test");
        int port;
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = s.getLocalPort();
        }
        address = new InetSocketAddress("127.0.0.1", port);
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("db"));
        Files.writeString(dir.resolve(zone + ".zone"), "$ORIGIN " + zone + ".\n$TTL 300\n"
                + "@ SOA ns." + zone + ". hostmaster." + zone + ". 1 3600 600 86400 300\n@ NS ns." + zone + ".\n"
                + "ns A 192.0.2.53\n" + records);
        Files.writeString(dir.resolve("knot.conf"), "server:\n    rundir: \"" + dir.resolve("run") + "\"\n    listen: 127.0.0.1@" + port
                + "\ndatabase:\n    storage: \"" + dir.resolve("db") + "\"\nlog:\n  - target: stderr\n    any: info\n"
                + "zone:\n  - domain: " + zone + "\n    storage: \"" + dir + "\"\n    file: \"" + zone + ".zone\"\n");
        process = new ProcessBuilder("knotd", "-c", dir.resolve("knot.conf").toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("knotd.log").toFile()).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!Files.readString(dir.resolve("knotd.log")).contains("loaded, serial")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                String log = Files.readString(dir.resolve("knotd.log"));
                close();
                throw new IllegalStateException("knotd did not load the zone within 15 s:\n" + log);
            }
            Thread.sleep(50);
        }
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
