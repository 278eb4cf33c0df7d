package org.ntmgate.api.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

class AddressTypesTest {

    @Test
    void endpointsParseAndPrintInPresentationFormat() {
        assertEquals("192.0.2.1", Endpoint.parse("192.0.2.1").toString());
        assertEquals("192.0.2.1:3544", Endpoint.parse("192.0.2.1:3544").toString());
        assertEquals("2001:db8::1", Endpoint.parse("2001:DB8:0:0:0:0:0:1").toString());
        assertEquals("[2001:db8::1]:80", Endpoint.parse("[2001:db8::1]:80").toString());
        assertEquals(3544, Endpoint.parse("192.0.2.1:3544").port());
        assertEquals(AddressFamily.IPV6, Endpoint.parse("::1").family());
    }

    @Test
    void ipv6FormattingCompressesTheFirstLongestZeroRun() {
        assertEquals("2001:db8::1:0:0:1", AddressFormat.format(Endpoint.parse("2001:db8:0:0:1:0:0:1").addressBytes()));
        assertEquals("::", AddressFormat.format(new byte[16]));
        assertEquals("2001:db8:0:1:1:1:1:1", AddressFormat.format(Endpoint.parse("2001:db8:0:1:1:1:1:1").addressBytes()));
    }

    @Test
    void endpointsAreEqualByAddressAndPort() {
        assertEquals(Endpoint.parse("198.51.100.7:1"), Endpoint.parse("198.51.100.7:1"));
        assertEquals(Endpoint.parse("198.51.100.7:1").hashCode(), Endpoint.parse("198.51.100.7:1").hashCode());
        assertNotEquals(Endpoint.parse("198.51.100.7:1"), Endpoint.parse("198.51.100.7:2"));
        byte[] raw = Endpoint.parse("198.51.100.7").addressBytes();
        assertTrue(Endpoint.parse("198.51.100.7:9").matches(raw, 0, 4, 9));
        assertFalse(Endpoint.parse("198.51.100.7:9").matches(raw, 0, 4, 8));
    }

    @Test
    void badEndpointsAreRefusedWithTheReason() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("gateway.example"))
                .getMessage().contains("not a numeric"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("192.0.2.1:70000"))
                .getMessage().contains("0..65535"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("[2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> Endpoint.parse("192.0.2"));
    }

    @Test
    void prefixesAreStrictAndKnowTheirAddresses() throws Exception {
        Prefix p = Prefix.parse("2001:db8:100::/64");
        assertEquals(BigInteger.ONE.shiftLeft(64), p.size());
        assertTrue(p.contains(InetAddress.getByName("2001:db8:100::42")));
        assertFalse(p.contains(InetAddress.getByName("2001:db8:101::42")));
        assertEquals(InetAddress.getByName("2001:db8:100::5"), p.addressAt(BigInteger.valueOf(5)));
        assertEquals(BigInteger.valueOf(5), p.offsetOf(InetAddress.getByName("2001:db8:100::5")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Prefix.parse("198.51.100.1/24"));
        assertTrue(e.getMessage().contains("198.51.100.0/24"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("198.51.100.0/33"));
        assertThrows(IllegalArgumentException.class, () -> Prefix.parse("198.51.100.0"));
    }

    @Test
    void overlapIsDetectedBothWays() {
        assertTrue(Prefix.parse("198.51.100.0/24").overlaps(Prefix.parse("198.51.100.128/25")));
        assertTrue(Prefix.parse("198.51.100.128/25").overlaps(Prefix.parse("198.51.100.0/24")));
        assertFalse(Prefix.parse("198.51.100.0/25").overlaps(Prefix.parse("198.51.100.128/25")));
        assertFalse(Prefix.parse("198.51.100.0/24").overlaps(Prefix.parse("2001:db8::/32")));
    }

    @Test
    void sequentialAddressesHashApart() {
        // 2^20 addresses that differ only in their last bytes, as pools hand them out: almost all hashes distinct.
        java.util.Set<Integer> hashes = new java.util.HashSet<>();
        byte[] a = Endpoint.parse("2001:db8::").addressBytes();
        int n = 1 << 20;
        for (int i = 0; i < n; i++) {
            a[13] = (byte) (i >>> 16);
            a[14] = (byte) (i >>> 8);
            a[15] = (byte) i;
            hashes.add(Endpoint.of(a, 0).hashCode());
        }
        assertTrue(hashes.size() > n * 0.999, "distinct hashes: " + hashes.size() + " of " + n);
    }
}
