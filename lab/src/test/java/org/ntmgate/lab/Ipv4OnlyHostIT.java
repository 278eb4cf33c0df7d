package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The IPv4 service (protocol.md 11.6), in each NAT mode, in one lab per mode: an IPv4-only host on the client
 * gateway's LAN (IPv6 switched off in its kernel) and the gateway's own IPv4 applications reach the IPv6-only server
 * by name: a 20 MiB download, ping, a UDP exchange (one in fragments, one with an IPv4 option), a closed port's translated ICMP error, garbage counted and
 * dropped; an IPv6 LAN host keeps working beside them.
 */
class Ipv4OnlyHostIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));
    private static final String URL = "http://" + Lab.SERVER_NAME + "/big.bin";

    @ParameterizedTest
    @EnumSource(Lab.Nat.class)
    void ipv4OnlyHostsAndApplicationsReachTheIpv6OnlyServerByName(Lab.Nat nat) throws Exception {
        WebFile file = WebFile.random(20 << 20);
        try (Lab lab = Lab.open(nat)) {
            lab.lanBehindClient();
            lab.ipv4OnlyHostBehindClient();
            lab.dns();
            lab.web(file, "big.bin");
            Path udp = lab.script("ipv4/udp.py");
            lab.spawn(lab.server, lab.dir.resolve("echo.log"), "python3", udp.toString(), "echo-server", "7007");
            lab.gateway(JAR);
            lab.client(JAR);
            lab.await(lab.clientLog(), l -> l.contains("the IPv4 pool 100.127.0.0/16 routed to it"), "the IPv4 service");
            assertEquals("", lab.exec(lab.lan4, "ip", "-6", "addr", "show").output(), "the IPv4-only host has no IPv6 at all");

            for (String ns : new String[] { lab.lan4, lab.client }) { // a LAN host, and the gateway's own application
                Path out = lab.dir.resolve(ns + ".bin");
                Lab.Result curl = lab.exec(ns, "curl", "-4", "-sS", "-m", "90", "-o", out.toString(), "-w", "%{http_code} %{remote_ip}", URL);
                assertEquals(0, curl.status(), ns + ": " + curl.output() + "\n" + Files.readString(lab.clientLog()));
                assertTrue(curl.output().startsWith("200 100.127."), "by name, at a virtual IPv4 address of the pool: " + curl.output());
                file.assertArrived(out, ns + ": SHA-256 equal");
            }
            Lab.Result v6 = lab.exec(lab.lan, "curl", "-6", "-sS", "-m", "90", "-o", lab.dir.resolve("v6.bin").toString(), "-w", "%{http_code} %{remote_ip}", URL);
            assertTrue(v6.status() == 0 && v6.output().startsWith("200 fd4e:746d:0:2:"), "the IPv6 LAN host beside it: " + v6.output());
            file.assertArrived(lab.dir.resolve("v6.bin"), "IPv6 LAN host: SHA-256 equal");

            // 11.2.1: A queries the stub does not answer itself come back as the upstream gave them
            assertEquals("3 0", lab.dnsQuery(lab.client, "nosuch.v6.example.net", 1), "a name nobody has: NXDOMAIN");
            assertEquals("0 1", lab.dnsQuery(lab.client, "v4only.example.net", 1), "a name with an IPv4 address: the upstream's A");

            Lab.Result ping = lab.exec(lab.lan4, "ping", "-4", "-c", "3", "-W", "5", Lab.SERVER_NAME);
            assertEquals(0, ping.status(), "ping -4 by name: " + ping.output());
            Lab.Result exchange = lab.exec(lab.lan4, "python3", udp.toString(), "exchange", Lab.SERVER_NAME, "7007");
            assertTrue(exchange.output().startsWith("echo 100.127."), "a UDP exchange: " + exchange.output());
            Lab.Result big = lab.exec(lab.lan4, "python3", udp.toString(), "exchange", Lab.SERVER_NAME, "7007", "4000");
            assertTrue(big.output().startsWith("echo 100.127."), "4,000 bytes of UDP, in fragments both ways (11.6.3): " + big.output());
            Lab.Result options = lab.exec(lab.lan4, "python3", udp.toString(), "options", Lab.SERVER_NAME, "7007");
            assertTrue(options.output().startsWith("echo 100.127."), "datagrams with an IPv4 option, translated without it (11.6.2): " + options.output());
            Lab.Result closed = lab.exec(lab.lan4, "python3", udp.toString(), "closed", Lab.SERVER_NAME, "7009");
            assertTrue(closed.output().startsWith("refused 100.127."), "the server's ICMPv6 port unreachable, translated: " + closed.output());

            String before = lab.clientGogo("node:status");
            Lab.Result garbage = lab.exec(lab.lan4, "python3", udp.toString(), "garbage", Lab.SERVER_NAME);
            assertEquals("sent 2", garbage.output());
            String after = awaitStatus(lab, s -> count(s, "fragment_unmapped") > count(before, "fragment_unmapped")
                    && count(s, "v4_untranslatable") > count(before, "v4_untranslatable"));
            assertTrue(after.contains("IPv4 pool 100.127.0.0/16: "), after);
            Lab.Result again = lab.exec(lab.lan4, "python3", udp.toString(), "exchange", Lab.SERVER_NAME, "7007");
            assertTrue(again.output().startsWith("echo "), "nothing else disturbed: " + again.output());

            String table = lab.clientGogo("table:list NODE_IPV4");
            assertTrue(table.contains("NODE_IPV4") && table.contains("100.127."), "the mapping is in the translation table: " + table);
        }
    }

    private static String awaitStatus(Lab lab, java.util.function.Predicate<String> done) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        String s = lab.clientGogo("node:status");
        while (!done.test(s)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the node did not count the garbage within 20 s: " + s);
            }
            Thread.sleep(200);
            s = lab.clientGogo("node:status");
        }
        return s;
    }

    /** The count of drop reason {@code reason} in a node:status text, 0 when absent. */
    private static long count(String status, String reason) {
        Matcher m = Pattern.compile("\\b" + reason + " (\\d+)").matcher(status);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }
}
