package org.ntmgate.teredo.impl;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.ntmgate.api.config.ConfigChecks;

/** A validated Teredo relay configuration (PID {@code org.ntmgate.teredo.relay}, RFC 4380 5.4). */
record TeredoRelaySettings(InetSocketAddress bind, String tunName, Duration peerIdle) {
    static final String PID = "org.ntmgate.teredo.relay";

    /** The settings of {@code c}, or a refusal naming the field. */
    static TeredoRelaySettings of(TeredoRelayConfig c) {
        InetSocketAddress bind = new InetSocketAddress(Ipv4Field.global(PID, "bindAddress", c.bindAddress(), "clients answer to it"),
                (int) ConfigChecks.range(PID, "port", c.port(), ConfigChecks.PORT_MIN, ConfigChecks.PORT_MAX));
        String tun = ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        ConfigChecks.range(PID, "peerIdleSeconds", c.peerIdleSeconds(), TeredoRelayConfig.PEER_IDLE_SECONDS_MIN, null);
        return new TeredoRelaySettings(bind, tun, Duration.ofSeconds(c.peerIdleSeconds()));
    }
}
