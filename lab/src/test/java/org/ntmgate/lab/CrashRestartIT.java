package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * Crashes, in one lab: the edge gateway (AS, DC, RS-N) killed with SIGKILL in the middle of a download and started
 * again on its home as the kill left it, then the client's node killed the same way. Nothing is done by hand in
 * between: the node is the DC's again, the name resolves again, a new download by name arrives whole, the pools hand
 * no address twice, and the killed node comes back with its virtual address. Last, the edge is killed again and its
 * translation-table snapshot and lease journal are found damaged at start: each is moved aside with a log line
 * naming it, the edge starts clean and the node is served again by itself. The time from the restarted edge serving
 * to the first byte of the new download is printed.
 */
class CrashRestartIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));
    private static final Pattern VIRTUAL = Pattern.compile("NTM node registered as \\S+ \\(node \\w+\\), virtual (\\S+)");
    private static final Duration BACK_WITHIN = Duration.ofSeconds(120);

    @Test
    void aKilledEdgeAndAKilledNodeComeBackByThemselvesWithTheirAddressesAndNothingHandedTwice() throws Exception {
        WebFile file = WebFile.random(10 << 20);
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.dns();
            lab.web(file, "big.bin");
            lab.gateway(JAR);
            lab.client(JAR);
            String virtual = virtual(lab.clientLog());
            Process interrupted = lab.download(lab.dir.resolve("interrupted.bin"), "1500k");
            lab.await(lab.gatewayLog(), l -> l.contains("RS-N: node") && l.contains("tunnels path"), "the tunnel is up");
            Thread.sleep(2000);
            String leasesBefore = lab.gatewayGogo("pool:leases");
            assertEquals(1, count(leasesBefore, virtual), "the node's address is leased once: " + leasesBefore);

            // the edge dies mid-download and comes back on what it left on disk
            lab.killGateway();
            lab.restartGateway(JAR);
            long serving = System.nanoTime();
            long firstByteMillis = fetchByName(lab, file, "after-restart.bin", serving);
            System.out.println("edge restart: serving to the first byte of a new download by name " + firstByteMillis + " ms");
            String nodes = lab.gatewayGogo("dc:nodes");
            assertTrue(nodes.contains(Lab.NODE_NAME), "the node is the restarted DC's: " + nodes);
            String leasesAfter = lab.gatewayGogo("pool:leases");
            assertEquals(1, count(leasesAfter, virtual), "still leased once, to the same node: " + leasesAfter);
            assertTrue(interrupted.waitFor(150, java.util.concurrent.TimeUnit.SECONDS), "the interrupted download ended one way or the other");

            // the node dies and comes back with the addresses it had
            lab.killClient();
            lab.restartClient(JAR);
            assertEquals(virtual, virtual(lab.clientLog()), "the restarted node has its virtual address again");
            fetchByName(lab, file, "after-node-restart.bin", System.nanoTime());
            assertEquals(1, count(lab.gatewayGogo("pool:leases"), virtual), "and the address is still leased once");

            // the edge dies again and finds its state files damaged when it starts
            lab.killGateway();
            Path snapshot = dataOf(lab.dir.resolve("gateway"), "org.ntmgate.table-").resolve("table.snapshot");
            Path journal = dataOf(lab.dir.resolve("gateway"), "org.ntmgate.pool-").resolve("leases.journal");
            byte[] garbage = new byte[4096];
            new java.util.Random(7).nextBytes(garbage);
            Files.write(snapshot, garbage);
            Files.write(journal, garbage);
            lab.restartGateway(JAR);
            lab.await(lab.gatewayLog(), l -> l.contains("Translation table snapshot ") && l.contains("table.snapshot is corrupt") && l.contains("moved it to"),
                    "the damaged snapshot named and moved aside");
            lab.await(lab.gatewayLog(), l -> l.contains("Lease file ") && l.contains("leases.journal is corrupt") && l.contains("moved it to"),
                    "the damaged lease journal named and moved aside");
            for (Path damaged : List.of(snapshot, journal)) {
                try (var files = Files.list(damaged.getParent())) {
                    assertTrue(files.anyMatch(f -> f.getFileName().toString().startsWith(damaged.getFileName() + ".corrupt-")),
                            "kept for diagnosis beside " + damaged);
                }
            }
            fetchByName(lab, file, "after-damaged-state.bin", System.nanoTime());
            assertTrue(lab.gatewayGogo("dc:nodes").contains(Lab.NODE_NAME), "the node is served again, by itself");
        }
    }

    /** The data area of the bundle whose jar name starts with {@code jarPrefix}, in the framework under {@code home}. */
    private static Path dataOf(Path home, String jarPrefix) throws Exception {
        try (var infos = Files.walk(home.resolve("framework"), 2)) {
            for (Path info : (Iterable<Path>) infos.filter(p -> p.getFileName().toString().equals("bundle.info"))::iterator) {
                if (Files.readString(info).contains("/" + jarPrefix)) {
                    return Files.createDirectories(info.resolveSibling("data"));
                }
            }
        }
        throw new AssertionError("no bundle " + jarPrefix + " under " + home);
    }

    /** The node's virtual IPv6 address, from its "registered" line. */
    private static String virtual(Path clientLog) throws Exception {
        for (String l : Files.readAllLines(clientLog)) {
            Matcher m = VIRTUAL.matcher(l);
            if (m.find()) {
                return m.group(1);
            }
        }
        throw new AssertionError("no registered line in " + clientLog);
    }

    private static long count(String text, String word) {
        return text.lines().filter(l -> l.split("\\s+")[0].equals(word)).count();
    }

    /**
     * The file fetched by name from the client, tried again every second until it arrives (at most two minutes);
     * the milliseconds from {@code since} to its first byte.
     */
    private static long fetchByName(Lab lab, WebFile file, String saveAs, long since) throws Exception {
        Path out = lab.dir.resolve(saveAs);
        long deadline = System.nanoTime() + BACK_WITHIN.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            long attempt = System.nanoTime();
            Lab.Result curl = lab.exec(lab.client, "curl", "-sS", "-m", "30", "-o", out.toString(), "-w", "%{http_code} %{time_starttransfer}",
                    "http://" + Lab.SERVER_NAME + "/big.bin");
            String[] w = curl.output().trim().split("\\s+");
            if (curl.status() == 0 && w.length >= 2 && w[w.length - 2].endsWith("200")) {
                file.assertArrived(out, saveAs + " intact");
                return (attempt - since) / 1_000_000 + (long) (Double.parseDouble(w[w.length - 1]) * 1000);
            }
            last = curl.output();
            Thread.sleep(1000);
        }
        throw new AssertionError("no download by name within " + BACK_WITHIN.toSeconds() + " s; last: " + last + "\n"
                + String.join("\n", List.of(Files.readString(lab.clientLog()), Files.readString(lab.gatewayLog()))));
    }
}
