package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Miredo's Teredo client qualifies with our Teredo server (RFC 4380 5.3, RFC 5991), through each NAT mode: the
 * address it gets carries our server's prefix and the NAT's mapping; a client that is not behind a NAT but on a
 * private network is refused as RFC 4380 5.3.1 (3) says.
 */
class TeredoIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));
    private static final Path TEREDO_JAR = Path.of(System.getProperty("teredo.jar", "../bundles/teredo/target/org.ntmgate.teredo-0.1.0-SNAPSHOT.jar"));
    private static final Pattern ADDRESS = Pattern.compile("address: (2001:0:c633:640a:[0-9a-f:]+)");

    @ParameterizedTest
    @EnumSource(Lab.Nat.class)
    void miredosClientQualifiesWithOurServer(Lab.Nat nat) throws Exception {
        try (Lab lab = Lab.open(nat)) {
            lab.dns();
            lab.gateway(JAR);
            lab.teredoServer();
            Path log = lab.miredoClient();
            if (nat == Lab.Nat.NONE) {
                // the client's source, 10.77.0.2, is no global unicast address: the server must stay silent
                Thread.sleep(8000);
                assertFalse(Files.readString(log).contains("Teredo pseudo-tunnel started"), Files.readString(log));
                lab.gatewayCommand("teredo:server");
                lab.await(lab.gatewayLog(), l -> l.contains("Teredo server on /") && l.contains("not_global_source"), "the refusals were counted");
                return;
            }
            lab.await(log, l -> l.contains("Teredo pseudo-tunnel started") || l.contains("symmetric"), "qualification or a verdict");
            String text = Files.readString(log);
            if (nat == Lab.Nat.SYMMETRIC && !text.contains("Teredo pseudo-tunnel started")) {
                assertTrue(text.toLowerCase().contains("symmetric"), text); // Miredo says it cannot work behind this NAT
                return;
            }
            lab.await(log, l -> ADDRESS.matcher(l).find(), "the Teredo address");
            Matcher m = ADDRESS.matcher(Files.readString(log));
            assertTrue(m.find());
            byte[] a = InetAddress.getByName(m.group(1)).getAddress();
            int mapped = ~(((a[12] & 0xFF) << 24) | ((a[13] & 0xFF) << 16) | ((a[14] & 0xFF) << 8) | (a[15] & 0xFF));
            assertEquals("198.51.100.2", InetAddress.getByAddress(new byte[] { (byte) (mapped >>> 24), (byte) (mapped >>> 16), (byte) (mapped >>> 8),
                    (byte) mapped }).getHostAddress(), "the mapped address is the NAT's, as our server saw it");
            lab.gatewayCommand("teredo:server");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo server on /") && l.contains("router advertisements"), "status");
            String status = Files.readAllLines(lab.gatewayLog()).stream().filter(l -> l.contains("router advertisements")).reduce((x, y) -> y).orElse("");
            assertFalse(status.contains(" 0 router advertisements"), status);
        }
    }

    /** Miredo's client (with Miredo's server) reaches the IPv6-only web server through our relay: ping and 10 MB intact. */
    @org.junit.jupiter.api.Test
    void miredosClientReachesANativeIpv6HostThroughOurRelay() throws Exception {
        try (Lab lab = new Lab()) {
            WebFile file = throughOurRelay(lab, 10 << 20, false, "via-relay.bin");
            lab.gatewayCommand("teredo:relay");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo relay relaying on udp") && l.contains("peers 1"), "one proven peer in the shared table");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo relay: peer 2001:0:c633:640a:"), "the peer proved its mapping");

            // a new build of the Teredo bundle while a download runs through the relay: the proven peer is kept in the
            // shared table, the new relay sends to it at once, and the download completes intact
            Path second = lab.dir.resolve("during-swap.bin");
            Process slow = lab.download(second, "1500k", "http://[2001:db8:1::80]/big.bin");
            Thread.sleep(2000);
            Build.write(TEREDO_JAR, lab.gatewayDeploy().resolve("org.ntmgate.teredo.jar"), "0.1.0.hotswap");
            lab.await(lab.gatewayLog(), l -> l.contains("swapped org.ntmgate.teredo 0.1.0.SNAPSHOT -> 0.1.0.hotswap"), "the swap");
            assertTrue(slow.waitFor(150, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("200", lab.curlOutput().trim(), Files.readString(lab.gatewayLog()));
            file.assertArrived(second, "intact across the relay's update");
            lab.gatewayCommand("teredo:relay");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo relay relaying on udp /198.51.100.1:3545") && l.contains("peers 1")
                    && l.contains("bubbles 0"), "the new build knew the peer: no bubbles needed");

            // bad input during a third download: from the NAT's own address (not the client's mapping), packets that
            // claim the client's Teredo address, packets for other destinations, truncated and random datagrams, and
            // bubbles from 200 made-up Teredo clients, at the relay and at Miredo's server
            String teredo = Files.readString(lab.dir.resolve("miredo/client.log")).replaceAll("(?s).*address: (2001:[0-9a-f:]+),.*", "$1");
            Path flood = lab.script("floods/teredo-relay.py");
            Path third = lab.dir.resolve("during-flood.bin");
            Process during = lab.download(third, "2500k", "http://[2001:db8:1::80]/big.bin");
            Process p = lab.spawn(lab.nat, lab.dir.resolve("teredo-flood.log"), "python3", flood.toString(), teredo);
            assertTrue(p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
            assertTrue(during.waitFor(150, java.util.concurrent.TimeUnit.SECONDS));
            assertEquals("200", lab.curlOutput().trim());
            file.assertArrived(third, "intact during the flood");
            lab.gatewayCommand("teredo:relay");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo relay relaying on udp") && l.contains("spoofed_source") && l.contains("not_teredo")
                    && l.contains("peers 1"), "the flood was dropped and counted; no made-up client became a peer: "
                    + Files.readString(lab.dir.resolve("teredo-flood.log")));
        }
    }

    /**
     * Behind a symmetric NAT (masquerade fully-random) Miredo's client qualifies (it no longer checks, RFC 5991) but its
     * NAT maps it to another port towards each relay: our relay takes the mapping the client proves by answering its
     * bubbles (docs/teredo.md), so the client reaches the IPv6-only server through it, with our server.
     */
    @org.junit.jupiter.api.Test
    void miredosClientBehindASymmetricNatReachesANativeHostThroughOurRelay() throws Exception {
        try (Lab lab = new Lab()) {
            throughOurRelay(lab, Lab.Nat.SYMMETRIC, 1 << 20, true, "symmetric.bin");
            lab.await(lab.gatewayLog(), l -> l.contains("its NAT maps per destination"), "the relay saw the other mapping and took it as proven");
        }
    }

    /** Miredo's client with our server and our relay only: it reaches the IPv6-only web server (no Miredo on the gateway). */
    @org.junit.jupiter.api.Test
    void miredosClientReachesANativeIpv6HostThroughOurServerAndOurRelay() throws Exception {
        try (Lab lab = new Lab()) {
            throughOurRelay(lab, 2 << 20, true, "ours.bin");
            lab.gatewayCommand("teredo:server");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo server on /") && !l.contains(" 0 echo requests to IPv6"),
                    "the client's connectivity test left through our server");
        }
    }

    /**
     * Miredo's client behind the endpoint-independent NAT, qualified with Miredo's server or ours, and our relay on the
     * gateway: ping and an HTTP download of a random file of {@code size} bytes from the IPv6-only server, intact; that file.
     */
    private static WebFile throughOurRelay(Lab lab, int size, boolean ourServer, String saveAs) throws Exception {
        return throughOurRelay(lab, Lab.Nat.MASQUERADE, size, ourServer, saveAs);
    }

    private static WebFile throughOurRelay(Lab lab, Lab.Nat nat, int size, boolean ourServer, String saveAs) throws Exception {
        WebFile file = WebFile.random(size);
        lab.network(nat);
        lab.dns();
        lab.web(file, "big.bin");
        lab.gateway(JAR);
        if (ourServer) {
            lab.teredoServer();
        } else {
            lab.miredoServer();
        }
        lab.teredoRelay();
        Path miredoLog = lab.miredoClient();
        lab.await(miredoLog, l -> l.contains("Teredo pseudo-tunnel started"), "Miredo's client qualified");
        lab.awaitRoute(lab.client, "teredo"); // Miredo adds its route just after saying so
        Lab.Result ping = lab.exec(lab.client, "ping", "-6", "-c", "4", "-W", "5", "2001:db8:1::80");
        assertTrue(ping.output().contains(" 0% packet loss") || ping.output().contains(" 25% packet loss"), ping.output()
                + "\nMiredo's client:\n" + Files.readString(miredoLog) + "\n" + Files.readString(lab.gatewayLog()));
        Path out = lab.dir.resolve(saveAs);
        Lab.Result curl = lab.exec(lab.client, "curl", "-sS", "-m", "90", "-o", out.toString(), "-w", "%{http_code}", "http://[2001:db8:1::80]/big.bin");
        assertEquals("200", curl.output(), curl.output());
        file.assertArrived(out, "intact through our relay");
        return file;
    }
}
