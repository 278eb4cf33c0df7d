package org.ntmgate.teredo.impl;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;

/** A validated Teredo relay configuration (PID {@code org.ntmgate.teredo.relay}, RFC 4380 5.4). */
record TeredoRelaySettings(InetSocketAddress bind, String tunName, Duration peerIdle) {
    static final String PID = "org.ntmgate.teredo.relay";

    /** The settings of {@code c}, or a refusal naming the field. */
    static TeredoRelaySettings of(TeredoRelayConfig c) {
        InetSocketAddress bind = new InetSocketAddress(Ipv4Field.global(PID, "bindAddress", c.bindAddress(), "clients answer to it"),
                (int) ConfigChecks.range(PID, "port", c.port(), 0, 65535));
        String tun = ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        if (c.peerIdleSeconds() < 30) {
            throw new InvalidConfigurationException(PID, "peerIdleSeconds", "must be at least 30");
        }
        return new TeredoRelaySettings(bind, tun, Duration.ofSeconds(c.peerIdleSeconds()));
    }
}
