package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * What a tunnel must survive while a download runs: the NAT forgetting its mapping, a new build of the RS-N and a
 * restart of the DC bundle, and garbage at the RS-N's port from a host that is no node.
 */
class TunnelResilienceIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));
    private static final Path RSN_JAR = Path.of(System.getProperty("rsn.jar", "../bundles/rsn/target/org.ntmgate.rsn-0.1.0-SNAPSHOT.jar"));

    /** A 10 MiB download through the tunnel, running: what it fetches, where to, the curl doing it. */
    private record Download(Lab lab, WebFile file, Path out, Process curl) {
        /** The seed scenario behind {@code nat}, with a download at {@code rate} running once the tunnel is up. */
        static Download start(Lab lab, Lab.Nat nat, String rate) throws Exception {
            WebFile file = WebFile.random(10 << 20);
            lab.seed(nat, file.bytes(), JAR);
            Path out = lab.dir.resolve("fetched.bin");
            Process curl = lab.download(out, rate);
            lab.await(lab.gatewayLog(), l -> l.contains("RS-N: node") && l.contains("tunnels path"), "the tunnel is up");
            return new Download(lab, file, out, curl);
        }

        /** It ends within 150 s with HTTP 200 and the file's exact bytes. */
        void assertFetched() throws Exception {
            assertTrue(curl.waitFor(150, TimeUnit.SECONDS), "the download ended");
            assertEquals(0, curl.exitValue(), lab.curlOutput() + "\n" + Files.readString(lab.clientLog()) + "\n" + Files.readString(lab.gatewayLog()));
            assertEquals("200", lab.curlOutput().trim());
            file.assertArrived(out, "intact");
        }
    }

    @Test
    void aDownloadSurvivesTheSymmetricNatForgettingItsMappingAndTheNodeRegistersAgain() throws Exception {
        try (Lab lab = new Lab()) {
            Download download = Download.start(lab, Lab.Nat.SYMMETRIC, "1500k");
            Thread.sleep(2500);
            lab.rebindNat();
            // The download alone need not send anything upstream after the flush: when every packet in flight
            // downstream is lost at the NAT, the client has nothing to acknowledge and stays silent until the node's
            // next keep-alive (CI saw that once). A ping is an upstream packet now, so the RS-N's move on an
            // authentic DATA packet (7.11) is shown every time, and its answer shows the new mapping works at once.
            Lab.Result ping = lab.exec(lab.client, "ping", "-6", "-c", "3", "-i", "0.3", "-W", "5", Lab.SERVER_NAME);
            assertEquals(0, ping.status(), "ping -6 right after the NAT forgot its mapping: " + ping.output());
            lab.await(lab.gatewayLog(), l -> l.contains("RS-N: node") && l.contains(" now at "), "the RS-N followed the node to its new mapping (7.11)");
            download.assertFetched();
            // the keep-alive (every 25 s) sees the new mapping and the node registers again (7.3)
            lab.await(lab.clientLog(), l -> l.contains("the NAT mapping changed; registering again"), "the node noticed the rebinding");
            lab.await(lab.clientLog(), l -> l.contains("tunnels again (the NAT mapping changed)"), "and tunnelled again on the same path");
        }
    }

    /**
     * A field tech's bundle work while a download runs, in one lab: a new build of the RS-N dropped into the deploy
     * folder, then the DC bundle stopped and started. The RS-N carries the tunnel alone, so the download goes on
     * through both; while the DC is stopped, names it would direct get no address (SERVFAIL); started again, it
     * restores the node's registration from its data area (no new registration) and directs a new name at once.
     */
    @Test
    void aNewBuildOfTheRsnAndARestartOfTheDcDuringADownloadLoseNothing() throws Exception {
        try (Lab lab = new Lab()) {
            Download download = Download.start(lab, Lab.Nat.MASQUERADE, "250k");
            Thread.sleep(2000);
            Build.write(RSN_JAR, lab.gatewayDeploy().resolve("org.ntmgate.rsn.jar"), "0.1.0.hotswap");
            lab.await(lab.gatewayLog(), l -> l.contains("swapped org.ntmgate.rsn 0.1.0.SNAPSHOT -> 0.1.0.hotswap"), "the field tech's swap");
            lab.await(lab.gatewayLog(), l -> l.contains("RS-N restored 1 path(s) of 1 node(s)"), "the new build took the path up");

            long registrations = registrations(lab);
            String dc = bundleId(lab.gatewayGogo("lb -s"), "org.ntmgate.dc");
            lab.gatewayGogo("stop " + dc);
            assertTrue(download.curl().isAlive(), "the download runs on while the DC is stopped");
            assertEquals("2 0", lab.dnsQuery(lab.client, "n7.v6.example.net", 28), "no DC, no address: SERVFAIL (11.2)");
            lab.gatewayGogo("start " + dc);
            lab.await(lab.gatewayLog(), l -> l.contains("Direction Coordinator serving on udp") && l.contains("with 1 registered nodes"),
                    "the DC read the node's registration back");
            assertTrue(lab.gatewayGogo("dc:nodes").contains(Lab.NODE_NAME), "the node is the restarted DC's");
            assertTrue(lab.aaaa(lab.client, "n8.v6.example.net").startsWith("fd4e:746d:"), "a new name is directed at once");
            assertTrue(download.curl().isAlive(), "the download was still running when the DC came back: " + (download.curl().isAlive() ? ""
                    : download.curl().exitValue() + " " + lab.curlOutput() + " " + Files.size(download.out())));
            download.assertFetched();
            assertEquals(registrations, registrations(lab), "the node did not have to register again");
        }
    }

    /** How many "registered" lines the client's node has logged. */
    private static long registrations(Lab lab) throws Exception {
        return Files.readAllLines(lab.clientLog()).stream().filter(l -> l.contains("NTM node registered as ")).count();
    }

    /** The id of bundle {@code bsn} in the answer of Gogo's {@code lb -s}. */
    private static String bundleId(String lb, String bsn) {
        return lb.lines().map(String::trim).filter(l -> l.matches("\\d+\\|.*\\|\\s*" + java.util.regex.Pattern.quote(bsn) + " \\(.*"))
                .map(l -> l.substring(0, l.indexOf('|')).trim()).findFirst().orElseThrow(() -> new AssertionError("no bundle " + bsn + " in:\n" + lb));
    }

    @Test
    void aDeniedNodeGarbageAndForgeriesFromAHostThatIsNoNodeDoNotDisturbADownload() throws Exception {
        try (Lab lab = new Lab()) {
            Download download = Download.start(lab, Lab.Nat.MASQUERADE, "2500k");
            // from the NAT's own address, an unregistered sender: random bytes, DATA for random paths, DATA with the
            // live path's id (taken from nothing: guessed across 2^64 is hopeless, so the id of a path is used as the
            // attacker's best case and must still fail the AEAD), truncated headers, signalling with bad MACs
            Path flood = lab.script("floods/rsn-port.py");
            Process p = lab.spawn(lab.nat, lab.dir.resolve("flood.log"), "python3", flood.toString());
            // meanwhile a registered node the relay policy denies asks for the same server: refused, alone
            lab.node(lab.nat, "denied", Lab.DENIED_NAME, "ntm1", JAR);
            assertEquals("2 0", lab.dnsQuery(lab.nat, Lab.SERVER_NAME, 28), "SERVFAIL and no address for the denied node (11.2)");
            lab.await(lab.gatewayLog(), l -> l.contains(Lab.DENIED_NAME) && l.contains("NO_RELAY_ALLOWED"), "the DC said why");
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            download.assertFetched();
            lab.gatewayCommand("rsn:status");
            lab.await(lab.gatewayLog(), l -> l.contains("RS-N relaying on udp") && l.contains("dropped: ") && l.contains("unknown_path")
                    && l.contains("malformed"), "the garbage was counted by reason: " + Files.readString(lab.dir.resolve("flood.log")));
        }
    }
}
