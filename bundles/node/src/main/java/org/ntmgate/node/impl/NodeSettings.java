package org.ntmgate.node.impl;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.net.Prefix;

/** A checked node configuration: every refusal names its field. */
record NodeSettings(String fqdn, String password, InetSocketAddress as, InetSocketAddress dc, String tunName, Prefix virtualPrefix,
        InetSocketAddress dnsListen, InetSocketAddress upstreamDns, List<String> directSuffixes, Prefix lanPrefix, Prefix lanPrefix4, int lanFirstPort,
        int lanLastPort, Prefix ipv4Pool) {
    static final String PID = "org.ntmgate.node";

    static NodeSettings of(NodeConfig c) {
        String fqdn = c.fqdn() == null ? "" : c.fqdn().trim().toLowerCase(Locale.ROOT);
        if (fqdn.endsWith(".")) {
            fqdn = fqdn.substring(0, fqdn.length() - 1);
        }
        if (!fqdn.matches("([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9-]{1,63}") || fqdn.length() > 253) {
            throw new InvalidConfigurationException(PID, "fqdn", "'" + c.fqdn() + "' is not a fully qualified name");
        }
        if (c.password() == null || c.password().isEmpty()) {
            throw new InvalidConfigurationException(PID, "password", "is required");
        }
        String tun = org.ntmgate.api.config.ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        Prefix prefix;
        try {
            prefix = Prefix.parse(c.virtualPrefix() == null ? "" : c.virtualPrefix().trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(PID, "virtualPrefix", "'" + c.virtualPrefix() + "' is not a prefix: " + e.getMessage());
        }
        if (!(prefix.network() instanceof Inet6Address) || prefix.length() > 64) {
            throw new InvalidConfigurationException(PID, "virtualPrefix", "must be an IPv6 prefix of /64 or shorter, not " + prefix);
        }
        List<String> direct = new ArrayList<>();
        for (String s : c.directSuffixes() == null ? new String[0] : c.directSuffixes()) {
            if (s != null && !s.isBlank()) {
                direct.add(s.trim().toLowerCase(Locale.ROOT).replaceAll("^\\.+|\\.+$", ""));
            }
        }
        Prefix lan = null;
        Prefix lan4 = null;
        List<String> lanTexts = new ArrayList<>(); // an array, or one text with the prefixes apart by commas or spaces
        for (String item : c.lanPrefix() == null ? new String[0] : c.lanPrefix()) {
            for (String text : item == null ? new String[0] : item.trim().split("[,\\s]+")) {
                if (!text.isEmpty()) {
                    lanTexts.add(text);
                }
            }
        }
        for (String text : lanTexts) {
            Prefix p;
            try {
                p = Prefix.parse(text.trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(PID, "lanPrefix", "'" + text + "' is not a prefix: " + e.getMessage());
            }
            if (p.network() instanceof Inet6Address) {
                if (lan != null || p.length() > 64 || p.overlaps(prefix)) {
                    throw new InvalidConfigurationException(PID, "lanPrefix", "takes one IPv6 prefix of /64 or shorter outside the virtual prefix, not " + p);
                }
                lan = p;
            } else {
                if (lan4 != null || p.length() < 8 || p.length() > 30) {
                    throw new InvalidConfigurationException(PID, "lanPrefix", "takes one IPv4 network of /8 to /30, not " + p);
                }
                lan4 = p;
            }
        }
        Prefix pool = ipv4Pool(c.ipv4Pool(), lan4);
        if (lan4 != null && !c.ipv4()) {
            throw new InvalidConfigurationException(PID, "lanPrefix", "an IPv4 LAN (" + lan4 + ") needs the IPv4 service (ipv4) on");
        }
        String[] ports = (c.lanPorts() == null ? "" : c.lanPorts().trim()).split("-");
        int firstPort;
        int lastPort;
        try {
            firstPort = Integer.parseInt(ports[0].trim());
            lastPort = Integer.parseInt(ports[ports.length - 1].trim());
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(PID, "lanPorts", "'" + c.lanPorts() + "' is not first-last");
        }
        if (ports.length != 2 || firstPort < 1024 || lastPort > 65535 || lastPort - firstPort < 255) {
            throw new InvalidConfigurationException(PID, "lanPorts", "must be first-last within 1024-65535, at least 256 ports, not '" + c.lanPorts() + "'");
        }
        return new NodeSettings(fqdn, c.password(), endpoint("accountServer", c.accountServer(), 4710), endpoint("directionCoordinator",
                c.directionCoordinator(), 4711), tun, prefix, endpoint("dnsListen", c.dnsListen(), 53), endpoint("upstreamDns", c.upstreamDns(), 53),
                List.copyOf(direct), lan, lan4, firstPort, lastPort, c.ipv4() ? pool : null);
    }

    /**
     * 11.6.1: an IPv4 prefix of /16 to /29 that overlaps neither the IPv4 LAN nor a network on an interface of this
     * host (a CGNAT uplink often takes addresses from 100.64.0.0/10 too).
     */
    static Prefix ipv4Pool(String text, Prefix lan4) {
        Prefix pool;
        try {
            pool = Prefix.parse(text == null ? "" : text.trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(PID, "ipv4Pool", "'" + text + "' is not a prefix: " + e.getMessage());
        }
        if (!(pool.network() instanceof java.net.Inet4Address) || pool.length() < 16 || pool.length() > 29) {
            throw new InvalidConfigurationException(PID, "ipv4Pool", "must be an IPv4 prefix of /16 to /29, not " + pool);
        }
        int first = pool.network().getAddress()[0] & 0xFF;
        if (first == 0 || first == 127 || first >= 224) {
            throw new InvalidConfigurationException(PID, "ipv4Pool", pool + " is not unicast address space (0/8, 127/8 and 224/3 are not)");
        }
        if (lan4 != null && pool.overlaps(lan4)) {
            throw new InvalidConfigurationException(PID, "ipv4Pool", pool + " overlaps the IPv4 LAN " + lan4);
        }
        String used = HostNetworks.overlapping(pool);
        if (used != null) {
            throw new InvalidConfigurationException(PID, "ipv4Pool", pool + " overlaps " + used + " of this host");
        }
        return pool;
    }

    /** The IPv4 service is on (11.6). */
    boolean ipv4() {
        return ipv4Pool != null;
    }

    /** host:port, [v6]:port, or a host alone (the default port); names are resolved once, here. */
    static InetSocketAddress endpoint(String field, String text, int defaultPort) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            throw new InvalidConfigurationException(PID, field, "is required (host:port)");
        }
        String host = t;
        int port = defaultPort;
        int colon = t.lastIndexOf(':');
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw new InvalidConfigurationException(PID, field, "'" + t + "' has no closing ]");
            }
            host = t.substring(1, close);
            if (close + 1 < t.length()) {
                port = port(field, t.substring(close + 2));
            }
        } else if (colon > 0 && t.indexOf(':') == colon) {
            host = t.substring(0, colon);
            port = port(field, t.substring(colon + 1));
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new InvalidConfigurationException(PID, field, "'" + host + "' does not resolve");
        }
    }

    private static int port(String field, String p) {
        try {
            int v = Integer.parseInt(p);
            if (v < 1 || v > 65535) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(PID, field, "port '" + p + "' is not 1..65535");
        }
    }

    boolean direct(String name) {
        for (String s : directSuffixes) {
            if (name.equals(s) || name.endsWith("." + s)) {
                return true;
            }
        }
        return false;
    }
}
