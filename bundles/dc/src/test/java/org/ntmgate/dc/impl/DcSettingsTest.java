package org.ntmgate.dc.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.annotation.Annotation;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.InvalidConfigurationException;

/** The DC's configuration: a good one is taken whole; each bad value is refused naming its field (and entry). */
class DcSettingsTest {
    private static final String KEY = "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf";

    /** A DcConfig from defaults with some values changed. */
    static DcConfig config(Map<String, Object> changed) {
        return new DcConfig() {
            private Object v(String name, Object dflt) {
                return changed.getOrDefault(name, dflt);
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return DcConfig.class;
            }

            @Override
            public String bindAddress() {
                return (String) v("bindAddress", "127.0.0.1");
            }

            @Override
            public int port() {
                return (int) v("port", 0);
            }

            @Override
            public int asDcKeyId() {
                return (int) v("asDcKeyId", 1);
            }

            @Override
            public String asDcKey() {
                return (String) v("asDcKey", KEY);
            }

            @Override
            public long registrationLifetimeSeconds() {
                return (long) v("registrationLifetimeSeconds", 90L);
            }

            @Override
            public String zone() {
                return (String) v("zone", "dc1.example.net");
            }

            @Override
            public String dnsResolver() {
                return (String) v("dnsResolver", "127.0.0.1:53");
            }

            @Override
            public String dnsUpdateServer() {
                return (String) v("dnsUpdateServer", "");
            }

            @Override
            public String tsigKeyName() {
                return (String) v("tsigKeyName", "dc1-key");
            }

            @Override
            public String tsigSecret() {
                return (String) v("tsigSecret", KnotServer.TSIG_SECRET);
            }

            @Override
            public long dnsTtlSeconds() {
                return (long) v("dnsTtlSeconds", 60L);
            }

            @Override
            public String[] relays() {
                return (String[]) v("relays", new String[] { "rsn-1 192.0.2.1:4712 7 " + KEY, "rsn-2 [2001:db8::1]:4712 8 " + KEY });
            }

            @Override
            public String[] peers() {
                return (String[]) v("peers", new String[] { "dc2.example.org 9 " + KEY });
            }

            @Override
            public int innerMtu() {
                return (int) v("innerMtu", 1400);
            }

            @Override
            public long pathLifetimeSeconds() {
                return (long) v("pathLifetimeSeconds", 3600L);
            }
        };
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
