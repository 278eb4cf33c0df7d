package org.ntmgate.teredo.impl;

import org.ntmgate.api.config.ConfigChecks;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.teredo.client}: the Teredo client runs only when configured. */
@ObjectClassDefinition(name = "ntmgate Teredo client", description = "IPv6 through Teredo (RFC 4380 5.2, RFC 5991): the NTM node's fallback when its DC "
        + "cannot be reached. Gogo: teredo:client, teredo:peers.")
public @interface TeredoClientConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String REFRESH_SECONDS_MIN = "5";
    String REFRESH_SECONDS_MAX = "3600";
    String ROUTE_METRIC_MIN = "0";

    @AttributeDefinition(name = "Server", description = "The Teredo server's primary IPv4 address (UDP 3544).")
    String serverAddress();

    @AttributeDefinition(name = "Server's secondary address", required = false, description = "Empty: the primary address plus one (RFC 4380 5.3).")
    String secondaryAddress() default "";

    @AttributeDefinition(name = "Bind address", required = false, description = "Local IPv4 address of the client's UDP socket; empty: any.")
    String bindAddress() default "";

    @AttributeDefinition(name = "Port", min = ConfigChecks.PORT_MIN, max = ConfigChecks.PORT_MAX, description = "Local UDP port; 0 picks one.")
    int port() default 0;

    @AttributeDefinition(name = "TUN device", description = "Gets the Teredo address; 2000::/3 is routed to it while qualified.")
    String tunName() default "teredo";

    @AttributeDefinition(name = "Refresh interval (seconds)", min = REFRESH_SECONDS_MIN, max = REFRESH_SECONDS_MAX,
            description = "How often the mapping is refreshed and checked (RFC 4380 5.2.7: 30 s).")
    int refreshSeconds() default 30;

    @AttributeDefinition(name = "Refuse a symmetric NAT", description = "Behind a symmetric NAT, do not qualify at all (RFC 4380 5.2.1). "
            + "Off: qualify for native IPv6 hosts only (through relays that take a mapping proved by bubbles), and say so.")
    boolean refuseSymmetricNat() default false;

    @AttributeDefinition(name = "Hairpinning (RFC 6081)", description = "Reach Teredo peers behind this client's own NAT by the local "
            + "addresses both advertise in their bubbles (RFC 6081's Hairpinning extension), for NATs that do not hairpin (docs/teredo.md).")
    boolean hairpinning() default true;

    @AttributeDefinition(name = "Route metric", min = ROUTE_METRIC_MIN, description = "Metric of the 2000::/3 route: native IPv6 routes with a lower metric win.")
    int routeMetric() default 1029;
}
