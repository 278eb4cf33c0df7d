package org.ntmgate.dc.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ntmgate.dc.testing.KnotServer;
import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;

/** The DC's configuration: a good one is taken whole; each bad value is refused naming its field (and entry). */
class DcSettingsTest {
    private static final String KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

    /** A DcConfig from these defaults with some values changed, converted as ConfigAdmin's properties are. */
    static DcConfig config(Map<String, Object> changed) {
        Map<String, Object> p = new HashMap<>(Map.ofEntries(Map.entry("bindAddress", "127.0.0.1"), Map.entry("port", 0), Map.entry("asDcKeyId", 1),
                Map.entry("asDcKey", KEY), Map.entry("registrationLifetimeSeconds", 90L), Map.entry("zone", "dc1.example.net"),
                Map.entry("dnsResolver", "127.0.0.1:53"), Map.entry("dnsUpdateServer", ""), Map.entry("tsigKeyName", "dc1-key"),
                Map.entry("tsigSecret", KnotServer.TSIG_SECRET), Map.entry("dnsTtlSeconds", 60L),
                Map.entry("relays", new String[] { "rsn-1 192.0.2.1:4712 7 " + KEY, "rsn-2 [2001:db8::1]:4712 8 " + KEY }),
                Map.entry("peers", new String[] { "dc2.example.org 9 " + KEY }), Map.entry("innerMtu", 1400), Map.entry("pathLifetimeSeconds", 3600L)));
        p.putAll(changed);
        return ConfigChecks.typed(DirectionCoordinatorComponent.PID, p, DcConfig.class);
    }

    @Test
    void aGoodConfigurationIsTakenWhole() {
        DcSettings s = DcSettings.from(config(Map.of()));
        assertEquals("dc1.example.net", s.zone());
        assertNotNull(s.tsig());
        assertEquals(2, s.relays().size());
        assertEquals(4712, s.relays().get(1).address().getPort());
        assertEquals("dc2.example.org", s.peerForZone("dc2.example.org").zone());
        assertEquals(s.dnsResolver(), s.dnsUpdateServer(), "updates go to the resolver unless told otherwise");
        assertEquals(11_500, s.timers().budget().toMillis(), "protocol.md 8.1: about 11.5 s in all");
    }

    @Test
    void eachBadValueIsRefusedNamingItsField() {
        Map<String, Object> bad = Map.ofEntries(Map.entry("zone", "not a zone"), Map.entry("dnsResolver", "resolver.example:53"),
                Map.entry("dnsUpdateServer", "127.0.0.1:0"), Map.entry("tsigSecret", "c2hvcnQ="),
                Map.entry("relays", new String[] { "rsn-1 192.0.2.1:4712 7" }), Map.entry("peers", new String[] { "dc2.example.org 1 " + KEY }),
                Map.entry("innerMtu", 1000), Map.entry("pathLifetimeSeconds", 5L), Map.entry("dnsTtlSeconds", 0L),
                Map.entry("asDcKey", "00"));
        for (Map.Entry<String, Object> e : bad.entrySet()) {
            InvalidConfigurationException x = assertThrows(InvalidConfigurationException.class, () -> DcSettings.from(config(Map.of(e.getKey(), e.getValue()))),
                    e.getKey());
            assertEquals(e.getKey(), x.field(), x.getMessage());
        }
        InvalidConfigurationException dup = assertThrows(InvalidConfigurationException.class, () -> DcSettings.from(config(Map.of("relays",
                new String[] { "rsn-1 192.0.2.1:4712 7 " + KEY, "rsn-1 192.0.2.2:4712 8 " + KEY }))));
        assertTrue(dup.getMessage().contains("entry 2") && dup.getMessage().contains("appears twice"), dup.getMessage());
        assertEquals("tsigKeyName", assertThrows(InvalidConfigurationException.class, () -> DcSettings.from(config(Map.of("zone", "")))).field(),
                "updates without a zone are refused");
        assertEquals("peers", assertThrows(InvalidConfigurationException.class,
                () -> DcSettings.from(config(Map.of("peers", new String[] { "dc1.example.net 9 " + KEY })))).field(), "its own zone is no peer");
    }
}
