package org.ntmgate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/** Gateway mode (protocol.md 11.4): a host on the LAN behind a client gateway reaches the IPv6-only server by name through it. */
class GatewayModeIT {
    private static final Path JAR = Path.of(System.getProperty("runtime.jar", "../runtime/target/ntmgate.jar"));

    @Test
    void aLanHostBehindAClientGatewayFetchesTheFileByName() throws Exception {
        WebFile file = WebFile.random(10 << 20);
        try (Lab lab = Lab.open(Lab.Nat.MASQUERADE)) {
            lab.lanBehindClient();
            lab.dns();
            lab.web(file, "big.bin");
            lab.gateway(JAR);
            lab.client(JAR);
            lab.await(lab.clientLog(), l -> l.contains("gateway mode for LAN fd00:4c41:4e::/64"), "gateway mode");
            for (String ns : new String[] { lab.lan, lab.client }) {
                Path out = lab.dir.resolve(ns + ".bin");
                Lab.Result curl = lab.exec(ns, "curl", "-sS", "-m", "90", "-o", out.toString(), "-w", "%{http_code} %{local_ip} %{remote_ip}",
                        "http://" + Lab.SERVER_NAME + "/big.bin");
                assertEquals(0, curl.status(), ns + ": " + curl.output() + "\n" + Files.readString(lab.clientLog()));
                assertTrue(curl.output().startsWith("200 "), curl.output());
                file.assertArrived(out, ns + ": intact");
                if (ns.equals(lab.lan)) {
                    assertTrue(curl.output().contains(" fd00:4c41:4e::2 fd4e:746d:0:2:"), "the LAN host used its own address: " + curl.output());
                }
            }
            Lab.Result ping = lab.exec(lab.lan, "ping", "-6", "-c", "2", "-W", "5", Lab.SERVER_NAME);
            assertEquals(0, ping.status(), "ping -6 by name from the LAN: " + ping.output());
        }
    }
}
