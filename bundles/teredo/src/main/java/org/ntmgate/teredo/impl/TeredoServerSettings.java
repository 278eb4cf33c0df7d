package org.ntmgate.teredo.impl;

import java.net.Inet4Address;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;

/** A validated Teredo server configuration (PID {@code org.ntmgate.teredo.server}, RFC 4380 5.3). */
record TeredoServerSettings(Inet4Address primary, Inet4Address secondary, int perSecond, int burst, String tunName) {
    static final String PID = "org.ntmgate.teredo.server";

    /** The settings of {@code c}, or a refusal naming the field. */
    static TeredoServerSettings of(TeredoServerConfig c) {
        String why = "RFC 4380 5.2.4: clients behind NATs reach it";
        Inet4Address p = Ipv4Field.global(PID, "primaryAddress", c.primaryAddress(), why);
        Inet4Address s = Ipv4Field.blank(c.secondaryAddress()) ? TeredoAddress.v4(TeredoServer.v4(p) + 1)
                : Ipv4Field.global(PID, "secondaryAddress", c.secondaryAddress(), why);
        if (Ipv4Field.blank(c.secondaryAddress()) && !TeredoServer.globalUnicast(TeredoServer.v4(s))) { // the address after the primary
            throw new InvalidConfigurationException(PID, "secondaryAddress", "must be a global unicast IPv4 address (" + why + "): the one after "
                    + p.getHostAddress() + " is not");
        }
        if (p.equals(s)) {
            throw new InvalidConfigurationException(PID, "secondaryAddress", "must differ from the primary address");
        }
        ConfigChecks.range(PID, "perSecond", c.perSecond(), TeredoServerConfig.PER_SECOND_MIN, null);
        ConfigChecks.range(PID, "burst", c.burst(), TeredoServerConfig.BURST_MIN, null);
        // empty: echo requests are not forwarded
        String tun = Ipv4Field.blank(c.tunName()) ? "" : ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        return new TeredoServerSettings(p, s, c.perSecond(), c.burst(), tun);
    }
}
