package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The mission's seed scenario: an IPv4-only client behind a NAT (none, endpoint-independent, symmetric) fetches a
 * 10 MB file by name from an IPv6-only web server, through its NTM node and the gateway's AS, DC and RS-N.
 */
class SeedScenarioIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));

    @ParameterizedTest
    @EnumSource(Lab.Nat.class)
    void anIpv4OnlyClientFetchesTenMegabytesByNameFromAnIpv6OnlyServer(Lab.Nat nat) throws Exception {
        WebFile file = WebFile.random(10 << 20);
        try (Lab lab = Lab.open(nat)) {
            lab.dns();
            lab.web(file, "big.bin");
            lab.gateway(JAR);
            lab.client(JAR);
            Lab.Result v6 = lab.exec(lab.client, "ip", "-6", "route", "show", "default");
            assertEquals("", v6.output(), "the client has no IPv6 route of its own");

            Path out = lab.dir.resolve("fetched.bin");
            Lab.Result curl = lab.exec(lab.client, "curl", "-sS", "-m", "90", "-o", out.toString(), "-w", "%{http_code} %{remote_ip}",
                    "http://" + Lab.SERVER_NAME + "/big.bin");
            assertEquals(0, curl.status(), curl.output() + "\n" + Files.readString(lab.clientLog()) + "\n" + Files.readString(lab.gatewayLog()));
            assertTrue(curl.output().startsWith("200 fd4e:746d:0:2:"), "fetched by name through the general node's virtual address: " + curl.output());
            byte[] got = Files.readAllBytes(out);
            file.assertArrived(got, "checksum");
            // protocol.md 15.7: the server's TCP super-packets reached the RS-N whole and were read as segments, and the
            // node wrote the segments of a receive batch joined again
            lab.gatewayCommand("rsn:status");
            lab.clientCommand("node:status");
            lab.await(lab.gatewayLog(), l -> l.contains("RS-N relaying on") && counter(l, "offloads: (\\d+) super-packets read") > 0,
                    "the RS-N read super-packets");
            lab.await(lab.clientLog(), l -> l.contains("NTM node registered") && counter(l, "super-packets read, (\\d+) written") > 0,
                    "the node wrote joined segments");

            Lab.Result ping = lab.exec(lab.client, "ping", "-6", "-c", "3", "-W", "5", Lab.SERVER_NAME);
            assertEquals(0, ping.status(), "ping -6 by name: " + ping.output());
            Lab.Result a = lab.exec(lab.client, "getent", "ahostsv4", "v4only.example.net");
            assertTrue(a.output().contains("203.0.113.80"), "an A query goes upstream unchanged: " + a.output());

            // the deployment guide's files (docs/examples) are taken as they are, on both gateways
            lab.gatewayCommand("config:refusals");
            lab.clientCommand("config:refusals");
            for (Path log : List.of(lab.gatewayLog(), lab.clientLog())) {
                lab.await(log, l -> l.contains("no refused configuration") || l.contains(" refused at "), "config:refusals answered");
                String text = Files.readString(log);
                assertTrue(text.contains("no refused configuration") && !text.contains("Configuration refused") && !text.contains(" refused at "),
                        "no refusal of the guide's files in " + log.getFileName());
            }
        }
    }

    /** The number the pattern's group captures in a status line, or -1 when the line has none. */
    private static long counter(String line, String regex) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(line);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
