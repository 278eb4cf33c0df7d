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
    private static final Pattern ADDRESS = Pattern.compile("address: (2001:0:c633:640a:[0-9a-f:]+)");

    @ParameterizedTest
    @EnumSource(Lab.Nat.class)
    void miredosClientQualifiesWithOurServer(Lab.Nat nat) throws Exception {
        try (Lab lab = new Lab()) {
            lab.network(nat);
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
}
