package org.ntmgate.teredo.impl;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.time.Duration;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;

/** A validated Teredo client configuration (PID {@code org.ntmgate.teredo.client}, RFC 4380 5.2). */
record TeredoClientSettings(InetSocketAddress server, InetSocketAddress secondary, InetSocketAddress bind, String tunName, Duration refresh,
        int routeMetric, boolean refuseSymmetricNat, boolean hairpinning) {
    static final String PID = "org.ntmgate.teredo.client";

    /** The settings of {@code c}, or a refusal naming the field. */
    static TeredoClientSettings of(TeredoClientConfig c) {
        Inet4Address primary = Ipv4Field.global(PID, "serverAddress", c.serverAddress(), "a Teredo server");
        Inet4Address secondary = Ipv4Field.blank(c.secondaryAddress()) ? TeredoAddress.v4(TeredoServer.v4(primary) + 1)
                : Ipv4Field.global(PID, "secondaryAddress", c.secondaryAddress(), "a Teredo server");
        if (secondary.equals(primary)) {
            throw new InvalidConfigurationException(PID, "secondaryAddress", "must differ from serverAddress (the NAT check needs two addresses)");
        }
        int port = (int) ConfigChecks.range(PID, "port", c.port(), 0, 65535);
        InetSocketAddress bind = new InetSocketAddress(Ipv4Field.blank(c.bindAddress()) ? Ipv4Field.parse(PID, "bindAddress", "0.0.0.0")
                : Ipv4Field.parse(PID, "bindAddress", c.bindAddress()), port);
        ConfigChecks.range(PID, "refreshSeconds", c.refreshSeconds(), 5, 3600);
        if (c.routeMetric() < 0) {
            throw new InvalidConfigurationException(PID, "routeMetric", "must not be negative");
        }
        String tun = ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        return new TeredoClientSettings(new InetSocketAddress(primary, TeredoServer.PORT), new InetSocketAddress(secondary, TeredoServer.PORT), bind, tun,
                Duration.ofSeconds(c.refreshSeconds()), c.routeMetric(), c.refuseSymmetricNat(), c.hairpinning());
    }
}
