package org.ntmgate.api.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HexFormat;

/** Checks shared by the roles' configurations; each failure is an {@link InvalidConfigurationException} naming the field. */
public final class ConfigChecks {
    private ConfigChecks() {
    }

    /** A numeric IPv4 or IPv6 address and a UDP port (0..65535; 0 picks a free one). No name is ever looked up. */
    public static InetSocketAddress bindAddress(String pid, String addressField, String address, String portField, int port) {
        String a = address == null ? "" : address.trim();
        InetAddress ip;
        try {
            if (!a.matches("[0-9a-fA-F:.]+")) {
                throw new UnknownHostException(a);
            }
            ip = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new InvalidConfigurationException(pid, addressField, "must be a numeric IPv4 or IPv6 address, not '" + address + "'");
        }
        if (port < 0 || port > 65535) {
            throw new InvalidConfigurationException(pid, portField, "must be 0..65535, not " + port);
        }
        return new InetSocketAddress(ip, port);
    }

    /** A Linux interface name (1-15 letters, digits, _ . -), trimmed. */
    public static String interfaceName(String pid, String field, String name) {
        String n = name == null ? "" : name.trim();
        if (!n.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new InvalidConfigurationException(pid, field, "'" + name + "' is not an interface name (1-15 letters, digits, _ . -)");
        }
        return n;
    }

    /** A key of {@code bytes} bytes given as hexadecimal digits. */
    public static byte[] hexKey(String pid, String field, String hex, int bytes) {
        try {
            byte[] k = HexFormat.of().parseHex(hex == null ? "" : hex.trim());
            if (k.length == bytes) {
                return k;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidConfigurationException(pid, field, "must be " + bytes * 2 + " hexadecimal digits (" + bytes + " bytes)");
    }

    /** A whole number within [min, max]. */
    public static long range(String pid, String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigurationException(pid, field, "must be " + min + ".." + max + ", not " + value);
        }
        return value;
    }
}
