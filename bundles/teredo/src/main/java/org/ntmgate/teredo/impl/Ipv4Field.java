package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import org.ntmgate.api.config.InvalidConfigurationException;

/** An IPv4 address in a Teredo role's configuration, refused naming the field (the three Teredo PIDs share these checks). */
final class Ipv4Field {
    private Ipv4Field() {
    }

    /** {@code text} as an IPv4 literal, or a refusal of {@code field}. */
    static Inet4Address parse(String pid, String field, String text) {
        try {
            InetAddress a = InetAddress.getByName(text == null || text.isBlank() ? "-" : text.trim());
            if (a instanceof Inet4Address v4) {
                return v4;
            }
        } catch (UnknownHostException e) {
            // refused below
        }
        throw new InvalidConfigurationException(pid, field, "'" + text + "' is not an IPv4 address");
    }

    /** {@code text} as a global unicast IPv4 address (RFC 4380 5.2.4), or a refusal saying {@code why} it must be one. */
    static Inet4Address global(String pid, String field, String text, String why) {
        Inet4Address a = parse(pid, field, text);
        if (!TeredoServer.globalUnicast(TeredoServer.v4(a))) {
            throw new InvalidConfigurationException(pid, field, "must be a global unicast IPv4 address (" + why + "), not " + text);
        }
        return a;
    }

    static boolean blank(String text) {
        return text == null || text.isBlank();
    }
}
