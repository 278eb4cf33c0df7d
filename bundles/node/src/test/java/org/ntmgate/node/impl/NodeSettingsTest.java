package org.ntmgate.node.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;

class NodeSettingsTest {
    private static NodeConfig config(String fqdn, String password, String as, String prefix, String tun, String... direct) {
        return gateway(fqdn, password, as, prefix, tun, "", "61000-65535", direct);
    }

    /** A configuration as ConfigAdmin would hand it over: properties converted to the Metatype interface (null: absent). */
    private static NodeConfig gateway(String fqdn, String password, String as, String prefix, String tun, String lan, String lanPorts,
            String... direct) {
        Map<String, Object> p = new HashMap<>();
        String[][] values = { { "fqdn", fqdn }, { "password", password }, { "accountServer", as }, { "virtualPrefix", prefix }, { "tunName", tun },
                { "lanPrefix", lan }, { "lanPorts", lanPorts }, { "directionCoordinator", "198.51.100.1" }, { "dnsListen", "127.0.0.1:5353" },
                { "upstreamDns", "[2001:db8::53]:53" } };
        for (String[] v : values) {
            if (v[1] != null) {
                p.put(v[0], v[1]);
            }
        }
        p.put("directSuffixes", direct);
        return ConfigChecks.typed(NodeSettings.PID, p, NodeConfig.class);
    }

    private static String refusedField(NodeConfig c) {
        return assertThrows(InvalidConfigurationException.class, () -> NodeSettings.of(c)).field();
    }

    @Test
    void aGoodConfigurationIsTakenWithDefaultPortsAndBracketedAddresses() {
        NodeSettings s = NodeSettings.of(config("Laptop.Example.NET.", "pw", "198.51.100.1:4710", "fd4e:746d::/48", "ntm0", ".corp.example.net"));
        assertEquals("laptop.example.net", s.fqdn());
        assertEquals(4711, s.dc().getPort(), "the DC's default port (1.3)");
        assertEquals(53, s.upstreamDns().getPort());
        assertEquals("2001:db8:0:0:0:0:0:53", s.upstreamDns().getAddress().getHostAddress());
        assertTrue(s.direct("intranet.corp.example.net"));
        assertTrue(s.direct("corp.example.net"));
        assertFalse(s.direct("notcorp.example.net"));
    }

    @Test
    void everyBadValueIsRefusedNamingItsField() {
        assertEquals("fqdn", refusedField(config("laptop", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0")));
        assertEquals("password", refusedField(config("a.example.net", "", "198.51.100.1", "fd4e:746d::/48", "ntm0")));
        assertEquals("accountServer", refusedField(config("a.example.net", "pw", "198.51.100.1:99999", "fd4e:746d::/48", "ntm0")));
        assertEquals("accountServer", refusedField(config("a.example.net", "pw", "", "fd4e:746d::/48", "ntm0")));
        assertEquals("virtualPrefix", refusedField(config("a.example.net", "pw", "198.51.100.1", "10.0.0.0/8", "ntm0")));
        assertEquals("virtualPrefix", refusedField(config("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/96", "ntm0")));
        assertEquals("tunName", refusedField(config("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "bad name")));
        assertEquals("lanPrefix", refusedField(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "10.0.0.0/31", "61000-65535")));
        assertEquals("lanPrefix", refusedField(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "fd4e:746d:0:9::/64", "61000-65535")));
        assertEquals("lanPorts", refusedField(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "fd00:4c41:4e::/64", "61000")));
        assertEquals("lanPorts", refusedField(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "fd00:4c41:4e::/64", "65000-65100")));
        for (String pool : new String[] { "banana", "fd00::/64", "100.64.0.0/10", "100.127.0.0/30", "127.0.0.0/16", "224.1.0.0/16" }) {
            assertEquals("ipv4Pool", assertThrows(InvalidConfigurationException.class, () -> NodeSettings.ipv4Pool(pool, null)).field(), pool);
        }
        assertEquals("ipv4Pool", assertThrows(InvalidConfigurationException.class,
                () -> NodeSettings.ipv4Pool("192.168.0.0/16", org.ntmgate.api.net.Prefix.parse("192.168.1.0/24"))).field(), "overlapping the IPv4 LAN");
        assertEquals("lanPrefix", refusedField(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "10.0.0.0/24,10.1.0.0/24", "61000-65535")),
                "two IPv4 LANs");
        NodeSettings gw = NodeSettings.of(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "fd00:4c41:4e::/64", "61000-65535"));
        assertEquals(64, gw.lanPrefix().length());
        assertEquals(61000, gw.lanFirstPort());
        assertTrue(gw.ipv4(), "the IPv4 service is on by default");
        assertEquals("100.127.0.0/16", gw.ipv4Pool().toString());
        NodeSettings both = NodeSettings.of(gateway("a.example.net", "pw", "198.51.100.1", "fd4e:746d::/48", "ntm0", "fd00:4c41:4e::/64,192.168.1.0/24", "61000-65535"));
        assertEquals("192.168.1.0/24", both.lanPrefix4().toString());
        assertEquals(64, both.lanPrefix().length());
    }

    /** 11.6.1: the pool stays out of every network on this host's interfaces (here: whatever this machine has). */
    @Test
    void aPoolOverlappingANetworkOfThisHostIsNamed() throws Exception {
        for (java.net.NetworkInterface i : java.util.Collections.list(java.net.NetworkInterface.getNetworkInterfaces())) {
            for (java.net.InterfaceAddress a : i.getInterfaceAddresses()) {
                if (a.getAddress() instanceof java.net.Inet4Address && !a.getAddress().isLoopbackAddress()) {
                    org.ntmgate.api.net.Prefix own = org.ntmgate.api.net.Prefix.of(a.getAddress(), 32).widenedTo(Math.max(16, a.getNetworkPrefixLength()));
                    String why = HostNetworks.overlapping(own);
                    assertTrue(why != null && why.endsWith(" on " + i.getName()), own + ": " + why);
                }
            }
        }
        assertEquals(null, HostNetworks.overlapping(org.ntmgate.api.net.Prefix.parse("198.18.255.0/29")), "a range no interface here uses");
    }
}
