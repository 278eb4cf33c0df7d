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
        int port = (int) ConfigChecks.range(PID, "port", c.port(), ConfigChecks.PORT_MIN, ConfigChecks.PORT_MAX);
        InetSocketAddress bind = new InetSocketAddress(Ipv4Field.blank(c.bindAddress()) ? Ipv4Field.parse(PID, "bindAddress", "0.0.0.0")
                : Ipv4Field.parse(PID, "bindAddress", c.bindAddress()), port);
        ConfigChecks.range(PID, "refreshSeconds", c.refreshSeconds(), TeredoClientConfig.REFRESH_SECONDS_MIN, TeredoClientConfig.REFRESH_SECONDS_MAX);
        ConfigChecks.range(PID, "routeMetric", c.routeMetric(), TeredoClientConfig.ROUTE_METRIC_MIN, null);
        String tun = ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        return new TeredoClientSettings(new InetSocketAddress(primary, TeredoServer.PORT), new InetSocketAddress(secondary, TeredoServer.PORT), bind, tun,
                Duration.ofSeconds(c.refreshSeconds()), c.routeMetric(), c.refuseSymmetricNat(), c.hairpinning());
    }
}
