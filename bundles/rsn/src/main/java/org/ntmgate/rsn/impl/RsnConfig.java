package org.ntmgate.rsn.impl;

import org.ntmgate.api.config.ConfigChecks;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.rsn}: the RS-N runs only on gateways configured to be one. */
@ObjectClassDefinition(name = "ntmgate Relay Server (NAT type)",
        description = "Relays NTM nodes' tunnels to general nodes through an egress prefix (docs/protocol.md 7.7, 15). Gogo: rsn:status, rsn:paths.")
public @interface RsnConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String INNER_MTU_MIN = "1280";
    String INNER_MTU_MAX = "9000";
    String IDLE_TIMEOUT_SECONDS_MIN = "10";
    String IDLE_TIMEOUT_SECONDS_MAX = "86400";

    @AttributeDefinition(name = "Bind address", description = "Address the tunnel and relay-direction socket listens on.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", min = ConfigChecks.PORT_MIN, max = ConfigChecks.PORT_MAX, description = "UDP port (protocol.md 1.3); 0 picks a free one.")
    int port() default 4712;

    @AttributeDefinition(name = "DC keys", type = AttributeType.PASSWORD,
            description = "K_dr of each DC this RS-N serves: '<key id> <64 hex digits>', the key id decimal, 1 to 2147483647, different for each entry (the same pair as the DC's 'relays' entry for this RS-N).")
    String[] dcKeys();

    @AttributeDefinition(name = "Egress prefix", description = "IPv6 prefix (at most /64, at least /120) routed to this gateway: one address of it per node.")
    String egressPrefix();

    @AttributeDefinition(name = "TUN device", description = "Name of the TUN device the egress prefix is routed to.")
    String tunName() default "ntmrsn0";

    @AttributeDefinition(name = "Inner MTU", min = INNER_MTU_MIN, max = INNER_MTU_MAX, description = "Largest inner packet sent into a tunnel (protocol.md 2.4.4).")
    int innerMtu() default 1400;

    @AttributeDefinition(name = "Idle timeout (seconds)", min = IDLE_TIMEOUT_SECONDS_MIN, max = IDLE_TIMEOUT_SECONDS_MAX, description = "A path with no data either way for this long is removed (15.5).")
    long idleTimeoutSeconds() default 300;
}
