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
        InetSocketAddress dnsListen, InetSocketAddress upstreamDns, List<String> directSuffixes, Prefix lanPrefix, int lanFirstPort, int lanLastPort) {
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
        if (c.lanPrefix() != null && !c.lanPrefix().isBlank()) {
            try {
                lan = Prefix.parse(c.lanPrefix().trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(PID, "lanPrefix", "'" + c.lanPrefix() + "' is not a prefix: " + e.getMessage());
            }
            if (!(lan.network() instanceof Inet6Address) || lan.length() > 64 || lan.overlaps(prefix)) {
                throw new InvalidConfigurationException(PID, "lanPrefix", "must be an IPv6 prefix of /64 or shorter outside the virtual prefix, not " + lan);
            }
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
                List.copyOf(direct), lan, firstPort, lastPort);
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
