package org.ntmgate.policy.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayRequest;

class RelayPolicyTest {
    static PolicyConfig config(String[] relays, String[] allow, String[] deny, String[] denyNodes, int sessions) {
        return config(relays, allow, deny, denyNodes, sessions, NONE);
    }

    /** A configuration as ConfigAdmin would hand it over: properties converted to the Metatype interface. */
    static PolicyConfig config(String[] relays, String[] allow, String[] deny, String[] denyNodes, int sessions, String[] nodeLimits) {
        return ConfigChecks.typed(PolicySettings.PID, Map.of("allowedRelays", relays, "allowDestinations", allow, "denyDestinations", deny, "denyNodes",
                denyNodes, "maxSessionsPerNode", sessions, "maxBytesPerSecondPerNode", 1_000_000L, "maxPacketsPerSecondPerNode", 0L, "nodeLimits",
                nodeLimits), PolicyConfig.class);
    }

    static final String[] NONE = {};

    private static RelayRequest req(String node, String dest, String addr, String relay) throws Exception {
        return new RelayRequest(node, dest, addr == null ? null : InetAddress.getByName(addr), relay);
    }

    @Test
    void anOpenPolicyAllowsWithItsLimits() throws Exception {
        PolicySettings s = PolicySettings.from(config(NONE, NONE, NONE, NONE, 8));
        RelayDecision d = RelayPolicyComponent.decide(s, req("mn.example.net", "gn.example.org", "2001:db8::80", "rsn-1"));
        assertTrue(d.allowed());
        assertEquals(8, d.limits().maxSessions());
        assertEquals(1_000_000, d.limits().maxBytesPerSecond());
    }

    @Test
    void denyRulesWinAndEachDecisionNamesItsRule() throws Exception {
        PolicySettings s = PolicySettings.from(config(new String[] { "rsn-1" }, new String[] { "example.org", "2001:db8:300::/48" },
                new String[] { "secret.example.org", "2001:db8:300:dead::/64" }, new String[] { "guest.example.net" }, 8));
        assertTrue(RelayPolicyComponent.decide(s, req("mn.example.net", "www.example.org", null, "rsn-1")).allowed());
        assertTrue(RelayPolicyComponent.decide(s, req("mn.example.net", null, "2001:db8:300::1", "rsn-1")).allowed());
        RelayDecision d = RelayPolicyComponent.decide(s, req("mn.example.net", "a.secret.example.org", null, "rsn-1"));
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("denyDestinations entry 'secret.example.org'"), d.reason());
        d = RelayPolicyComponent.decide(s, req("mn.example.net", "x.example.org", "2001:db8:300:dead::9", "rsn-1"));
        assertTrue(d.reason().contains("'2001:db8:300:dead::/64'"), d.reason());
        d = RelayPolicyComponent.decide(s, req("mn.example.net", "gn.example.com", null, "rsn-1"));
        assertFalse(d.allowed());
        assertTrue(d.reason().contains("no allowDestinations entry"), d.reason());
        d = RelayPolicyComponent.decide(s, req("laptop.guest.example.net", "www.example.org", null, "rsn-1"));
        assertTrue(d.reason().contains("denyNodes entry 'guest.example.net'"), d.reason());
        d = RelayPolicyComponent.decide(s, req("mn.example.net", "www.example.org", null, "rsn-2"));
        assertTrue(d.reason().contains("relay 'rsn-2' is not in allowedRelays"), d.reason());
    }

    @Test
    void aNameRuleDoesNotMatchAMereSuffix() throws Exception {
        PolicySettings s = PolicySettings.from(config(NONE, NONE, new String[] { "example.org" }, NONE, 8));
        assertTrue(RelayPolicyComponent.decide(s, req("mn.example.net", "badexample.org", null, "r")).allowed());
        assertFalse(RelayPolicyComponent.decide(s, req("mn.example.net", "EXAMPLE.org.", null, "r")).allowed());
    }

    @Test
    void badEntriesAreRefusedNamingFieldAndEntry() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> PolicySettings.from(config(NONE, NONE, new String[] { "ok.example.org", "2001:db8::1/32" }, NONE, 8)));
        assertEquals("denyDestinations", e.field());
        assertTrue(e.getMessage().contains("entry 2"), e.getMessage());
        assertEquals("allowDestinations", assertThrows(InvalidConfigurationException.class,
                () -> PolicySettings.from(config(NONE, new String[] { "not a name" }, NONE, NONE, 8))).field());
        assertEquals("maxSessionsPerNode", assertThrows(InvalidConfigurationException.class,
                () -> PolicySettings.from(config(NONE, NONE, NONE, NONE, -1))).field());
        assertEquals("allowedRelays", assertThrows(InvalidConfigurationException.class,
                () -> PolicySettings.from(config(new String[] { " " }, NONE, NONE, NONE, 8))).field());
    }

    @Test
    void perNodeLimitsOverrideTheDefaultsTheMostSpecificNameWinning() throws Exception {
        PolicySettings s = PolicySettings.from(config(NONE, NONE, NONE, NONE, 8,
                new String[] { "guest.example.net sessions=1 packetsPerSecond=100", "vip.guest.example.net sessions=32", "* bytesPerSecond=5" }));
        RelayDecision d = RelayPolicyComponent.decide(s, req("laptop.guest.example.net", "gn.example.org", null, "r"));
        assertEquals(new org.ntmgate.api.policy.RelayLimits(1, 1_000_000, 100), d.limits());
        assertEquals(new org.ntmgate.api.policy.RelayLimits(32, 1_000_000, 0),
                RelayPolicyComponent.decide(s, req("a.vip.guest.example.net", "gn.example.org", null, "r")).limits());
        assertEquals(new org.ntmgate.api.policy.RelayLimits(8, 5, 0),
                RelayPolicyComponent.decide(s, req("mn.example.com", "gn.example.org", null, "r")).limits());
    }

    @Test
    void badPerNodeLimitsAreRefusedNamingFieldAndEntry() {
        for (String bad : new String[] { "node.example.net", "node.example.net sessions=-1", "node.example.net speed=3",
                "not/a/name sessions=1", "node.example.net sessions=99999999999" }) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> PolicySettings.from(config(NONE, NONE, NONE, NONE, 8, new String[] { "ok.example.net sessions=2", bad })), bad);
            assertEquals("nodeLimits", e.field());
            assertTrue(e.getMessage().contains("entry 2"), e.getMessage());
        }
    }
}
