package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.ntmgate.pages.ConsoleBrowser;

/**
 * Our Teredo client (RFC 4380 5.2, RFC 5991) across the lab's NAT: its qualification and NAT verdict with Miredo's
 * server in each NAT mode, IPv6 through our server and relay and through Miredo's, a NAT that forgets or renumbers
 * its mappings, and a flood of bad input while a download runs (docs/teredo.md).
 */
class TeredoClientIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));
    private static final Pattern QUALIFIED = Pattern.compile("Teredo client qualified with \\S+: address (2001:0:[0-9a-f:]+), mapped ([0-9.]+):(\\d+), NAT (\\w+)");

    private static Matcher qualified(Path log, int nth) throws Exception {
        Matcher m = QUALIFIED.matcher(Files.readString(log));
        for (int i = 0; i < nth; i++) {
            assertTrue(m.find(), "qualification " + (i + 1) + " in\n" + Files.readString(log));
        }
        return m;
    }

    /** The mapping embedded in a Teredo address (RFC 4380 section 4), as "address:port". */
    private static String embedded(String teredo) throws Exception {
        byte[] a = InetAddress.getByName(teredo).getAddress();
        int port = ~(((a[10] & 0xFF) << 8) | (a[11] & 0xFF)) & 0xFFFF;
        byte[] v4 = { (byte) ~a[12], (byte) ~a[13], (byte) ~a[14], (byte) ~a[15] };
        return InetAddress.getByAddress(v4).getHostAddress() + ":" + port;
    }

    @ParameterizedTest
    @EnumSource(Lab.Nat.class)
    void ourClientQualifiesWithMiredosServerAndNamesTheNat(Lab.Nat nat) throws Exception {
        try (Lab lab = Lab.open(nat)) {
            lab.clientGlobalAddress(); // without a NAT the client is a host with a global address
            lab.miredoServer();
            Path log = lab.teredoClient(JAR, "198.51.100.10", "bindAddress=\"192.0.2.2\"\n");
            if (nat == Lab.Nat.SYMMETRIC) {
                // said plainly, and still useful: native hosts through a relay that takes the mapping proved by bubbles
                lab.await(log, l -> QUALIFIED.matcher(l).find(), "qualification");
                Matcher m = qualified(log, 1);
                assertEquals("symmetric", m.group(4), Files.readString(log));
                Matcher both = Pattern.compile("Teredo client behind a symmetric NAT: the server's primary address sees this client as 198\\.51\\.100\\.2:(\\d+), "
                        + "its secondary address as 198\\.51\\.100\\.2:(\\d+)").matcher(Files.readString(log));
                assertTrue(both.find() && !both.group(1).equals(both.group(2)), Files.readString(log));
                lab.web(new byte[1000], "small.bin");
                lab.miredoRelay();
                Lab.Result ping = lab.exec(lab.client, "ping", "-6", "-c", "4", "-W", "5", "2001:db8:1::80");
                assertTrue(ping.output().contains(" 0% packet loss") || ping.output().contains(" 25% packet loss"), ping.output());
                // RFC 4380 5.2.1's behaviour on request: no qualification at all
                lab.reconfigureTeredoClient("serverAddress=\"198.51.100.10\"\nbindAddress=\"192.0.2.2\"\nrefuseSymmetricNat=B\"true\"\n");
                lab.await(log, l -> l.contains("Teredo client not qualified: symmetric NAT"), "the refusal");
                assertFalse(lab.exec(lab.client, "ip", "-6", "route", "show", "dev", "teredo").output().contains("2000::/3"),
                        "no route into a tunnel that is not used");
                lab.clientCommand("teredo:client");
                lab.await(log, l -> l.contains("Teredo client symmetric_nat") && l.contains("NAT symmetric"), "Gogo says so too");
                return;
            }
            lab.await(log, l -> QUALIFIED.matcher(l).find(), "qualification");
            Matcher m = qualified(log, 1);
            String expectedNat = nat == Lab.Nat.NONE ? "none" : "restricted";
            String expectedAddress = nat == Lab.Nat.NONE ? "192.0.2.2" : "198.51.100.2";
            assertEquals(expectedNat, m.group(4), Files.readString(log));
            assertEquals(expectedAddress, m.group(2), "the mapping the server saw");
            assertEquals(m.group(2) + ":" + m.group(3), embedded(m.group(1)), "the Teredo address carries that mapping");
            assertTrue(m.group(1).startsWith("2001:0:c633:640a:"), "the prefix of the server at 198.51.100.10");
            String addr = lab.exec(lab.client, "ip", "-6", "addr", "show", "dev", "teredo").output();
            assertTrue(addr.contains(m.group(1) + "/32"), addr);
            String routes = lab.exec(lab.client, "ip", "-6", "route", "show", "dev", "teredo").output();
            assertTrue(routes.contains("2000::/3") && routes.contains("metric 1029"), routes);
            lab.clientCommand("teredo:client");
            lab.await(log, l -> l.contains("Teredo client qualified as " + m.group(1)) && l.contains("NAT " + expectedNat), "Gogo shows the state");
            if (nat == Lab.Nat.MASQUERADE) { // and the console's Teredo page, in a browser, over HTTPS
                int port = lab.console(lab.client, 8443);
                java.security.cert.X509Certificate cert = ConsoleBrowser.presentedCertificate("127.0.0.1", port);
                try (ConsoleBrowser b = new ConsoleBrowser("https://127.0.0.1:" + port, "admin", lab.consolePassword("client"),
                        Path.of("target", "console-screenshots"), ConsoleBrowser.spki(cert))) {
                    b.open("teredo");
                    b.await("the qualification", () -> b.text("ntm-teredo-qualification").contains(m.group(1)));
                    String q = b.text("ntm-teredo-qualification");
                    assertTrue(q.contains("qualified") && q.contains("198.51.100.10") && q.contains("198.51.100.2:" + m.group(3)) && q.contains("restricted")
                            && q.contains("same mapping for every destination") && q.contains("the NAT does not hairpin"), q);
                    assertTrue(b.text("ntm-teredo-client").startsWith("Teredo client serving since"), b.text("ntm-teredo-client"));
                    assertTrue(b.text("ntm-teredo-server").contains("not configured on this gateway"), "Miredo is the server here");
                    b.shoot("teredo");
                    b.noAlert();
                }
            }
        }
    }

    /**
     * docs/teredo.md H1-H5 (RFC 6081's Hairpinning extension): two of our clients behind one NAT that does not hairpin
     * reach each other by their Teredo addresses through the local addresses their bubbles advertise (ping both ways,
     * each lists the other at its local address). With the extension off on both, the same two cannot: the control that
     * shows the NAT really does not hairpin, so the first result is the extension's.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = { true, false })
    void twoOfOurClientsBehindOneNatReachEachOtherThroughTheirLocalAddresses(boolean hairpinning) throws Exception {
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            String neighbour = lab.neighbourBehindNat();
            lab.gateway(JAR);
            lab.teredoServer();
            String setting = hairpinning ? "" : "hairpinning=B\"false\"\n";
            Path log = lab.teredoClient(JAR, "198.51.100.10", setting);
            Path otherLog = lab.teredoClientIn(neighbour, "neighbour", JAR, "198.51.100.10", setting);
            lab.await(log, l -> QUALIFIED.matcher(l).find(), "our client qualified");
            lab.await(otherLog, l -> QUALIFIED.matcher(l).find(), "the neighbour's client qualified");
            Matcher ours = qualified(log, 1);
            Matcher theirs = qualified(otherLog, 1);
            assertEquals("198.51.100.2", ours.group(2));
            assertEquals("198.51.100.2", theirs.group(2), "both behind the same public address");

            Lab.Result toThem = lab.exec(lab.client, "ping", "-6", "-c", "4", "-W", "3", theirs.group(1));
            Lab.Result toUs = lab.exec(neighbour, "ping", "-6", "-c", "4", "-W", "3", ours.group(1));
            if (!hairpinning) {
                assertTrue(toThem.output().contains("100% packet loss"), "without the extension the NAT drops them: " + toThem.output());
                assertTrue(toUs.output().contains("100% packet loss"), toUs.output());
                return;
            }
            assertTrue(toThem.output().contains(" 0% packet loss") || toThem.output().contains(" 25% packet loss"),
                    toThem.output() + "\n" + Files.readString(log));
            assertTrue(toUs.output().contains(" 0% packet loss") || toUs.output().contains(" 25% packet loss"),
                    toUs.output() + "\n" + Files.readString(otherLog));
            lab.clientCommand("teredo:peers");
            lab.await(log, l -> l.contains(theirs.group(1) + " (Teredo) via 10.78.0.2:"),
                    "the neighbour is a peer reached at its local address and port");
        }
    }

    /** A full-cone NAT (masquerade plus a port-preserving forward of every inbound port): the cone check is answered. */
    @Test
    void ourClientRecognisesAFullConeNat() throws Exception {
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.fullCone();
            lab.dns();
            lab.gateway(JAR);
            lab.teredoServer(); // answers the cone check from its other address (RFC 4380 5.3.2)
            Path log = qualifiedClient(lab, "", "qualification");
            Matcher m = qualified(log, 1);
            assertEquals("cone", m.group(4), Files.readString(log));
            assertEquals("198.51.100.2", m.group(2));
            assertEquals(0, InetAddress.getByName(m.group(1)).getAddress()[8] & 0x80, "RFC 5991: the cone bit stays 0 in the address");
        }
    }

    /**
     * With our server and relay: ping and 2 MB from the IPv6-only server; a flood of bad input during a download; the NAT
     * forgetting its mappings mid-download (the mapping comes back the same: nothing to do); the NAT renumbered (the
     * client notices at its next refresh, qualifies again with a new address, and reaches the server again).
     */
    @Test
    void ourClientReachesANativeHostThroughOurRelayAndSurvivesAFloodAndMappingChanges() throws Exception {
        try (Lab lab = new Lab()) {
            WebFile file = ourServerAndRelay(lab, 4 << 20);
            Path log = qualifiedClient(lab, "refreshSeconds=I\"5\"\n", "qualification with our server");
            Matcher first = qualified(log, 1);
            assertEquals("restricted", first.group(4));
            reaches(lab, file, "first.bin");
            lab.clientCommand("teredo:peers");
            lab.await(log, l -> l.contains("2001:db8:1::80 (native) via 198.51.100.1:3545"), "the native host is reached through our relay");

            // bad input at the client's mapping, through the NAT (the sources are the relay's and the server's, which
            // the NAT lets in), during a download
            String us = first.group(1);
            Path flood = lab.script("floods/teredo-client.py");
            Path during = lab.dir.resolve("during-flood.bin");
            Process download = lab.download(during, "1000k", "http://[2001:db8:1::80]/big.bin");
            Thread.sleep(1000);
            // the NAT may have mapped the client to another port towards the relay than towards the server (the
            // relay's first bubble arrived before the client's, and Linux keeps the port only when its tuple is free)
            String tracked = lab.exec(lab.nat, "conntrack", "-L", "-p", "udp").output();
            Matcher towardsRelay = Pattern.compile("dst=198\\.51\\.100\\.1 sport=\\d+ dport=3545 .*src=198\\.51\\.100\\.1 dst=198\\.51\\.100\\.2 sport=3545 dport=(\\d+)")
                    .matcher(tracked);
            assertTrue(towardsRelay.find(), tracked);
            long floodStart = System.nanoTime();
            Process p = lab.spawn(lab.gateway, lab.dir.resolve("client-flood.log"), "python3", flood.toString(), us, first.group(3), towardsRelay.group(1));
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            double floodSeconds = (System.nanoTime() - floodStart) / 1e9;
            assertTrue(download.waitFor(60, TimeUnit.SECONDS));
            assertEquals("200", lab.curlOutput().trim(), Files.readString(lab.dir.resolve("client-flood.log")));
            file.assertArrived(during, "intact during the flood");
            lab.clientCommand("teredo:client");
            lab.await(log, l -> l.contains("Teredo client qualified as " + us) && l.contains("spoofed_source") && l.contains("not_for_us")
                    && l.contains("not_teredo") && l.contains("bad_advertisement") && l.contains("bubble_rate") && l.contains("test_rate"),
                    "the flood dropped and counted by reason, the address unchanged: " + Files.readString(lab.dir.resolve("client-flood.log")));
            Matcher peers = Pattern.compile("peers (\\d+);").matcher(Files.readAllLines(log).stream().filter(l -> l.contains("Teredo client qualified as"))
                    .reduce((a, b) -> b).orElse(""));
            // thousands of made-up native hosts came through "relays": the client tests them at 20 a second with a burst
            // of 40 (TeredoClient.ANSWERS_PER_SECOND; test_rate counted the rest), so the flood leaves at most that many
            // peers (a second more for datagrams still queued when it ended), beside a few real ones. Unanswered ones
            // go at the client's next once-a-second upkeep, so usually far fewer are left; but the upkeep shares a
            // thread with the refresh, which can wait seconds for an advertisement lost on the flooded socket
            long limit = 40 + Math.round(20 * (floodSeconds + 1)) + 5;
            assertTrue(peers.find() && Integer.parseInt(peers.group(1)) <= limit,
                    "connectivity tests for made-up hosts were rate-limited: " + peers.group(0) + " (at most " + limit + " after " + floodSeconds + " s)");

            // the server silent for a while (refreshes every 5 s): the address stays, traffic through the relay goes on
            lab.blockPort("blockserver", 3544, true);
            lab.await(log, l -> l.contains("did not answer a refresh (1 of 3); the address stays"), "a refresh unanswered");
            Lab.Result silent = lab.exec(lab.client, "ping", "-6", "-c", "3", "-W", "5", "2001:db8:1::80");
            assertTrue(silent.output().contains(" 0% packet loss") || silent.output().contains(" 33% packet loss"), silent.output());
            lab.blockPort("blockserver", 3544, false);
            Thread.sleep(6000);
            assertEquals(1, QUALIFIED.matcher(Files.readString(log)).results().count(), "no new qualification, the same address");

            // the NAT forgets every mapping mid-download, and the client's next datagram reaches it before the relay's
            // (held back for 2 s; a ping runs beside the download): the NAT gives the client's port back, nothing changes
            Path flushed = lab.dir.resolve("during-flush.bin");
            Process d2 = lab.download(flushed, "1000k", "http://[2001:db8:1::80]/big.bin");
            Process pinger = lab.spawn(lab.client, lab.dir.resolve("ping-across-flush.log"), "ping", "-6", "-i", "0.2", "-c", "40", "2001:db8:1::80");
            Thread.sleep(1500);
            flushWithHeldBack(lab, "ip saddr 198.51.100.1 udp sport 3545");
            assertTrue(d2.waitFor(60, TimeUnit.SECONDS));
            assertEquals("200", lab.curlOutput().trim());
            file.assertArrived(flushed, "intact across the flush");
            assertTrue(pinger.waitFor(30, TimeUnit.SECONDS));
            Thread.sleep(6000); // one refresh later: the mapping is the same, nothing changed
            assertFalse(Files.readString(log).contains("NAT mapping changed"), Files.readString(log));

            // the NAT renumbered: the refresh shows another mapping; a new address; the server reached again
            lab.renumberNat();
            lab.await(log, l -> l.contains("Teredo client: the NAT mapping changed from 198.51.100.2:"), "the change noticed");
            lab.await(log, l -> l.contains("Teredo client qualified with") && l.contains("mapped 198.51.100.3:"), "qualified again");
            Matcher second = qualified(log, 2);
            assertFalse(second.group(1).equals(us), "a new Teredo address");
            assertEquals("198.51.100.3:" + second.group(3), embedded(second.group(1)));
            reaches(lab, file, "after-renumbering.bin");
        }
    }

    /**
     * The NAT forgets every mapping mid-download and the relay's datagrams reach it before the client's (held back for
     * 2 s; a ping from the server keeps them coming): they take the client's port, so the NAT maps the client to a new
     * one, towards every destination (Linux keeps a source's mapping). The relay sees the client's datagrams (a ping runs beside the download) from the new
     * port, asks there with a bubble, takes the answer and the download goes on; at its next refresh the client sees
     * the new mapping and qualifies again with an address that carries it (RFC 4380 5.2.7).
     */
    @Test
    void whenTheNatMovesOurClientAfterForgettingItTheRelayFollowsAndTheClientQualifiesAgain() throws Exception {
        try (Lab lab = new Lab()) {
            WebFile file = ourServerAndRelay(lab, 4 << 20);
            Path log = qualifiedClient(lab, "", "qualification with our server"); // refreshes every 30 s (the default)
            Matcher first = qualified(log, 1);
            String us = first.group(1);
            Lab.Result ping = lab.exec(lab.client, "ping", "-6", "-c", "2", "-W", "5", "2001:db8:1::80");
            assertTrue(ping.output().contains(" 0% packet loss"), ping.output());
            Pattern provedUs = Pattern.compile("Teredo relay: peer " + Pattern.quote(us) + " proved its mapping /198\\.51\\.100\\.2:(\\d+)");
            lab.await(lab.gatewayLog(), l -> provedUs.matcher(l).find(), "the relay knows the client");
            // the relay's first bubble may have reached the NAT before the client's answer and given the client another
            // port towards the relay; a flush with the client first puts every mapping on the client's one port
            Process aligning = lab.spawn(lab.client, lab.dir.resolve("ping-aligning.log"), "ping", "-6", "-i", "0.2", "-c", "20", "2001:db8:1::80");
            Thread.sleep(500);
            flushWithHeldBack(lab, "ip saddr 198.51.100.1 udp sport 3545");
            assertTrue(aligning.waitFor(30, TimeUnit.SECONDS));
            List<String> before = provedUs.matcher(Files.readString(lab.gatewayLog())).results().map(r -> r.group(1)).toList();
            assertEquals(first.group(3), before.get(before.size() - 1), "the relay knows the client at the port in its address: " + before);

            Path moved = lab.dir.resolve("during-move.bin");
            Process download = lab.download(moved, "1000k", "http://[2001:db8:1::80]/big.bin");
            Process pinger = lab.spawn(lab.client, lab.dir.resolve("ping-across-move.log"), "ping", "-6", "-i", "0.2", "-c", "40", "2001:db8:1::80");
            // the relay sends to the client all through the move, whatever the download's TCP does while its ACKs are lost
            Process toClient = lab.spawn(lab.server, lab.dir.resolve("ping-to-client.log"), "ping", "-6", "-i", "0.1", "-c", "60", us);
            Thread.sleep(1500);
            flushWithHeldBack(lab, "ip daddr 198.51.100.1 udp dport 3545");
            assertTrue(download.waitFor(60, TimeUnit.SECONDS), "the download across the move: " + Files.readString(lab.gatewayLog()));
            assertEquals("200", lab.curlOutput().trim());
            file.assertArrived(moved, "intact across the move");
            assertTrue(pinger.waitFor(30, TimeUnit.SECONDS));
            assertTrue(toClient.waitFor(30, TimeUnit.SECONDS));
            List<String> ports = provedUs.matcher(Files.readString(lab.gatewayLog())).results().map(r -> r.group(1)).toList();
            assertTrue(ports.size() > before.size() && !ports.get(ports.size() - 1).equals(first.group(3)),
                    "the relay took the client's new port, not the one in its address (" + first.group(3) + "): " + ports);
            lab.gatewayCommand("teredo:relay");
            lab.await(lab.gatewayLog(), l -> l.contains("Teredo relay relaying on") && l.contains("spoofed_source"),
                    "the client's datagrams from the new port before its answer were dropped and counted");

            // the next refresh (30 s after qualifying) shows the new mapping: a new address that carries it
            String now = ports.get(ports.size() - 1);
            lab.await(log, l -> l.contains("Teredo client: the NAT mapping changed from 198.51.100.2:" + first.group(3) + " to 198.51.100.2:" + now),
                    "the change noticed at the next refresh");
            lab.await(log, l -> l.contains("Teredo client qualified with") && l.contains("mapped 198.51.100.2:" + now), "qualified again");
            Matcher second = qualified(log, 2);
            assertEquals("198.51.100.2:" + now, embedded(second.group(1)));
            reaches(lab, file, "after-move.bin");
        }
    }

    /** With Miredo's server and Miredo's relay on the gateway (none of ours): ping and the file, intact. */
    @Test
    void ourClientReachesANativeHostThroughMiredosRelay() throws Exception {
        WebFile file = WebFile.random(2 << 20);
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.web(file, "big.bin");
            lab.miredoServer();
            Process miredoRelay = lab.miredoRelay();
            Path log = qualifiedClient(lab, "", "qualification with Miredo's server");
            reaches(lab, file, "via-miredo.bin");
            lab.clientCommand("teredo:peers");
            lab.await(log, l -> l.contains("2001:db8:1::80 (native) via 198.51.100.1:") && !l.contains(":3545,"),
                    "the native host is reached through Miredo's relay");

            // Miredo's relay gone, ours in its place (another port): the host's packets now come through a relay the
            // client does not know; it tests it (5.2.9) and sends through it from then on
            miredoRelay.destroy();
            assertTrue(miredoRelay.waitFor(10, TimeUnit.SECONDS));
            lab.gateway(JAR);
            lab.teredoRelay();
            Path out = lab.dir.resolve("after-relay-change.bin");
            Lab.Result curl = lab.exec(lab.client, "curl", "-sS", "-m", "60", "-o", out.toString(), "-w", "%{http_code}", "http://[2001:db8:1::80]/big.bin");
            assertEquals("200", curl.output(), curl.output() + "\n" + Files.readString(log));
            file.assertArrived(out, "intact");
            lab.clientCommand("teredo:peers");
            lab.await(log, l -> l.contains("2001:db8:1::80 (native) via 198.51.100.1:3545"), "the client follows the new relay");
        }
    }

    /**
     * Our client (behind the NAT) and Miredo's client (on a host with a global address) reach each other by their
     * Teredo addresses, both qualified with our server and with Miredo's: ping each way.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(booleans = { true, false })
    void ourClientAndMiredosClientReachEachOther(boolean ourServer) throws Exception {
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            String peerHost = lab.teredoPeerHost();
            if (ourServer) {
                lab.gateway(JAR);
                lab.teredoServer();
            } else {
                lab.miredoServer();
            }
            Path log = qualifiedClient(lab, "", "our client qualified");
            String ours = qualified(log, 1).group(1);
            Path miredoLog = lab.miredoClientIn(peerHost, "miredo-peer");
            lab.await(miredoLog, l -> l.contains("Teredo pseudo-tunnel started"), "Miredo's client qualified");
            lab.await(miredoLog, l -> l.matches(".*address: 2001:0:c633:640a:[0-9a-f:]+.*"), "Miredo's address");
            String theirs = Files.readString(miredoLog).replaceAll("(?s).*address: (2001:0:c633:640a:[0-9a-f:]+).*", "$1");
            assertEquals("203.0.113.2", embedded(theirs).split(":")[0], "Miredo's client has no NAT");

            Lab.Result toThem = lab.exec(lab.client, "ping", "-6", "-c", "4", "-W", "5", theirs);
            assertTrue(toThem.output().contains(" 0% packet loss") || toThem.output().contains(" 25% packet loss"), toThem.output()
                    + "\n" + Files.readString(log));
            Lab.Result toUs = lab.exec(peerHost, "ping", "-6", "-c", "4", "-W", "5", ours);
            assertTrue(toUs.output().contains(" 0% packet loss") || toUs.output().contains(" 25% packet loss"), toUs.output());
            lab.clientCommand("teredo:peers");
            lab.await(log, l -> l.contains(theirs + " (Teredo) via 203.0.113.2:"), "Miredo's client is a peer reached directly");
        }
    }

    /**
     * protocol.md 11.5: the NTM node answers through NTMobile while its DC answers; with the DC cut off it notices, says
     * so, and answers with the real address, which the Teredo client reaches (the file intact); with the DC back, NTMobile
     * again. Gogo shows the path in use and why.
     */
    @Test
    void theNodeFallsBackToTeredoWhileItsDcCannotBeReachedAndComesBack() throws Exception {
        try (Lab lab = new Lab()) {
            WebFile file = ourServerAndRelay(lab, 2 << 20);
            lab.clientWithTeredoFallback(JAR);
            String viaNtm = lab.aaaa(lab.client, Lab.SERVER_NAME);
            assertTrue(viaNtm.startsWith("fd4e:746d:"), "NTMobile's virtual address while the DC answers: " + viaNtm);

            lab.blockDc(true);
            lab.await(lab.clientLog(), l -> l.contains("NTM node: the DC cannot be reached") && l.contains("new names: fallback: Teredo client qualified"),
                    "the node notices and names its fallback");
            assertEquals("2001:db8:1::80", lab.aaaa(lab.client, Lab.SERVER_NAME), "the real address, routed by the Teredo client");
            Path out = lab.dir.resolve("via-fallback.bin");
            Lab.Result curl = lab.exec(lab.client, "curl", "-sS", "-m", "90", "-o", out.toString(), "-w", "%{http_code}", "http://" + Lab.SERVER_NAME + "/big.bin");
            assertEquals("200", curl.output(), curl.output());
            file.assertArrived(out, "intact over Teredo");
            lab.clientCommand("node:status");
            lab.await(lab.clientLog(), l -> l.contains("path in use: fallback: Teredo client qualified") && l.contains("NTMobile unavailable: no answer from"),
                    "Gogo shows the fallback and why");

            lab.blockDc(false);
            lab.await(lab.clientLog(), l -> l.contains("NTM node: the DC answers again"), "the DC is back");
            String again = lab.aaaa(lab.client, Lab.SERVER_NAME);
            assertTrue(again.startsWith("fd4e:746d:"), "NTMobile again: " + again);
            lab.clientCommand("node:status");
            lab.await(lab.clientLog(), l -> l.contains("path in use: NTMobile (the DC at"), "Gogo shows NTMobile");
        }
    }

    /** The NAT forgets every mapping while the datagrams matching {@code heldBack} are dropped on arrival for 2 s. */
    private static void flushWithHeldBack(Lab lab, String heldBack) throws Exception {
        lab.dropAtNat("heldback", heldBack, true);
        try {
            lab.rebindNat();
            Thread.sleep(2000);
        } finally {
            lab.dropAtNat("heldback", "", false);
        }
    }

    /**
     * docs/teredo.md "NAT changes", the relay's two timers (RFC 4380 5.4.1 with 5.2.4's 30 s): a client heard from within
     * 30 s gets its packets straight away; after 30 s of silence a packet for it waits while the relay asks with
     * bubbles, and goes once the client answers; and while the relay keeps sending to a client that sends nothing back,
     * after 5 s it asks as well, without holding anything. Shown with the relay's bubble counter and the packets that
     * arrive.
     */
    @Test
    void theRelayAsksAgainAfter30SecondsOfSilenceAndAfter5SecondsOfSendingUnanswered() throws Exception {
        try (Lab lab = new Lab()) {
            WebFile file = ourServerAndRelay(lab, 1 << 20);
            Path log = qualifiedClient(lab, "", "our client qualified");
            String ours = qualified(log, 1).group(1);
            reaches(lab, file, "first.bin"); // the relay now knows the client's proven mapping

            long fresh = relayBubbles(lab);
            Lab.Result now = lab.exec(lab.server, "ping", "-6", "-c", "2", "-W", "3", ours);
            assertTrue(now.output().contains(" 0% packet loss"), now.output());
            assertEquals(fresh, relayBubbles(lab), "heard from within 30 s: sent without asking");

            Thread.sleep(32_000); // nothing from the client reaches the relay (its refreshes go to the server)
            Lab.Result later = lab.exec(lab.server, "ping", "-6", "-c", "3", "-W", "5", ours);
            assertTrue(later.output().contains(" 0% packet loss") || later.output().contains(" 33% packet loss"), later.output());
            long asked = relayBubbles(lab);
            assertTrue(asked > fresh, "silent for 30 s: the relay asked before sending (" + fresh + " -> " + asked + " bubbles)");

            // one-way: 80 datagrams 0.1 s apart from the server to a listener on the client, which answers nothing
            Path received = lab.dir.resolve("received.txt");
            lab.spawn(lab.client, received, "python3", "-c", "import socket\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
                    + "s.bind(('::',9999))\ns.settimeout(3)\nn=0\ntry:\n  while True:\n    s.recv(2048)\n    n+=1\nexcept socket.timeout:\n  pass\n"
                    + "print('received', n, flush=True)\n");
            Thread.sleep(500);
            long beforeStream = relayBubbles(lab);
            Lab.Result sent = lab.exec(lab.server, "python3", "-c", "import socket,time\ns=socket.socket(socket.AF_INET6,socket.SOCK_DGRAM)\n"
                    + "for i in range(80):\n  s.sendto(b'x'*100,('" + ours + "',9999))\n  time.sleep(0.1)\n");
            assertEquals(0, sent.status(), sent.output());
            lab.await(received, l -> l.startsWith("received"), "the listener's count");
            int n = Integer.parseInt(Files.readAllLines(received).stream().filter(l -> l.startsWith("received")).findFirst().orElseThrow()
                    .split(" ")[1]);
            long afterStream = relayBubbles(lab);
            assertTrue(afterStream > beforeStream, "5 s of sending unanswered: the relay asked (" + beforeStream + " -> " + afterStream + ")");
            assertTrue(n >= 76, "the stream kept flowing while the relay asked: " + n + " of 80");
        }
    }

    /** The relay's bubble counter, from a fresh `teredo:relay` answer in the gateway log. */
    private static long relayBubbles(Lab lab) throws Exception {
        long seen = Files.readAllLines(lab.gatewayLog(), java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                .filter(l -> l.contains("relaying on udp")).count();
        lab.gatewayCommand("teredo:relay");
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = Files.readAllLines(lab.gatewayLog(), java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                    .filter(l -> l.contains("relaying on udp")).toList();
            if (lines.size() > seen) {
                Matcher m = Pattern.compile("bubbles (\\d+)").matcher(lines.get(lines.size() - 1));
                assertTrue(m.find(), lines.get(lines.size() - 1));
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no answer to teredo:relay");
    }

    /** Our Teredo client in the client namespace, with {@code settings} and the server at 198.51.100.10, once qualified: its log. */
    private static Path qualifiedClient(Lab lab, String settings, String what) throws Exception {
        Path log = lab.teredoClient(JAR, "198.51.100.10", settings);
        lab.await(log, l -> QUALIFIED.matcher(l).find(), what);
        return log;
    }

    /** The endpoint-independent NAT, DNS, the web server with a random file of {@code size} bytes, the gateway with our Teredo server and relay: that file. */
    private static WebFile ourServerAndRelay(Lab lab, int size) throws Exception {
        WebFile file = WebFile.random(size);
        lab.network(Lab.Nat.MASQUERADE);
        lab.dns();
        lab.web(file, "big.bin");
        lab.gateway(JAR);
        lab.teredoServer();
        lab.teredoRelay();
        return file;
    }

    /** Ping and the whole file from the IPv6-only server, from the client namespace (its only IPv6 is Teredo). */
    private static void reaches(Lab lab, WebFile file, String saveAs) throws Exception {
        Lab.Result ping = lab.exec(lab.client, "ping", "-6", "-c", "4", "-W", "5", "2001:db8:1::80");
        if (!ping.output().contains(" 0% packet loss") && !ping.output().contains(" 25% packet loss")) {
            lab.clientCommand("teredo:client");
            lab.clientCommand("teredo:peers");
            lab.gatewayCommand("teredo:server");
            lab.gatewayCommand("teredo:relay");
            Thread.sleep(1500);
            fail(ping.output() + "\nclient:\n" + Files.readString(lab.clientLog()) + "\ngateway:\n" + Files.readString(lab.gatewayLog()));
        }
        Path out = lab.dir.resolve(saveAs);
        Lab.Result curl = lab.exec(lab.client, "curl", "-sS", "-m", "90", "-o", out.toString(), "-w", "%{http_code}", "http://[2001:db8:1::80]/big.bin");
        assertEquals("200", curl.output(), curl.output());
        file.assertArrived(out, "intact: " + saveAs);
    }
}
