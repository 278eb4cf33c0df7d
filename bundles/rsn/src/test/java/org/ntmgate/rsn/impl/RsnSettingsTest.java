package org.ntmgate.rsn.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayLimits;

class RsnSettingsTest {
    private static final String KEY = "c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf";

    /** A configuration as ConfigAdmin would hand it over: properties converted to the Metatype interface. */
    private static RsnConfig config(String[] dcKeys, String egress, String tun, int mtu) {
        Map<String, Object> p = new HashMap<>(Map.of("bindAddress", "127.0.0.1", "port", 0, "dcKeys", dcKeys, "tunName", tun, "innerMtu", mtu,
                "idleTimeoutSeconds", 300L));
        if (egress != null) {
            p.put("egressPrefix", egress);
        }
        return ConfigChecks.typed(RsnSettings.PID, p, RsnConfig.class);
    }

    /** The field a refusal names, whether the conversion refuses it (a missing value) or the settings do. */
    private static String refusedField(java.util.function.Supplier<RsnConfig> c) {
        return assertThrows(InvalidConfigurationException.class, () -> RsnSettings.of(c.get())).field();
    }

    @Test
    void aGoodConfigurationIsTaken() {
        RsnSettings s = RsnSettings.of(config(new String[] { "7 " + KEY }, "2001:db8:e::/64", "ntmrsn0", 1400));
        assertEquals(7, s.dcKeys().get(7).id());
        assertEquals(64, s.egressPrefix().length());
        assertEquals(32, s.dcKeyBytes().get(7).length);
    }

    @Test
    void everyBadValueIsRefusedNamingItsField() {
        assertEquals("dcKeys", refusedField(() -> config(new String[0], "2001:db8:e::/64", "t", 1400)));
        assertEquals("dcKeys", refusedField(() -> config(new String[] { "7" }, "2001:db8:e::/64", "t", 1400)));
        assertEquals("dcKeys", refusedField(() -> config(new String[] { "x " + KEY }, "2001:db8:e::/64", "t", 1400)));
        assertEquals("dcKeys", refusedField(() -> config(new String[] { "7 abcd" }, "2001:db8:e::/64", "t", 1400)));
        assertEquals("dcKeys", refusedField(() -> config(new String[] { "7 " + KEY, "7 " + KEY }, "2001:db8:e::/64", "t", 1400)));
        assertEquals("egressPrefix", refusedField(() -> config(new String[] { "7 " + KEY }, null, "t", 1400)));
        assertEquals("egressPrefix", refusedField(() -> config(new String[] { "7 " + KEY }, "198.51.100.0/24", "t", 1400)));
        assertEquals("egressPrefix", refusedField(() -> config(new String[] { "7 " + KEY }, "2001:db8::/48", "t", 1400)));
        assertEquals("tunName", refusedField(() -> config(new String[] { "7 " + KEY }, "2001:db8:e::/64", "a name too long for linux", 1400)));
        assertEquals("innerMtu", refusedField(() -> config(new String[] { "7 " + KEY }, "2001:db8:e::/64", "t", 1000)));
    }

    @Test
    void pathsAreStoredAndReadBackWithTheirReservationsAndAFileNobodyElseCanRead(@TempDir Path dir) throws Exception {
        PathStore store = new PathStore(dir.resolve("paths.txt"));
        byte[] key = new byte[32];
        key[0] = 9;
        RelayPath p = new RelayPath(0xabcdef0123456789L, 0x1122334455667788L, 42, key, 3600, InetAddress.getByName("fd4e:746d:0:1::5").getAddress(),
                InetAddress.getByName("fd4e:746d:0:2::9").getAddress(), InetAddress.getByName("2001:db8:e::2").getAddress(),
                InetAddress.getByName("2001:db8:1::80").getAddress(), "www.v6.example.net", new RelayLimits(64, 1000, 10), 0);
        p.endpoint = new java.net.InetSocketAddress(InetAddress.getByName("198.51.100.2"), 40000);
        store.save(List.of(p), x -> 1L << 20);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("paths.txt"))));
        List<PathStore.Stored> back = store.load(0);
        assertEquals(1, back.size());
        PathStore.Stored s = back.get(0);
        assertEquals(p.toString(), s.path().toString());
        assertEquals(1L << 20, s.sendLimit());
        assertEquals(p.endpoint, s.endpoint());
        assertEquals(42, s.path().keyId);
        assertEquals(new RelayLimits(64, 1000, 10), s.path().limits);

        Files.writeString(dir.resolve("paths.txt"), Files.readString(dir.resolve("paths.txt")) + "0123 not a path\n");
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> store.load(0));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
    }
}
