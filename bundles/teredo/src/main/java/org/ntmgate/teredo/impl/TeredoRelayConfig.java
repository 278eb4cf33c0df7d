package org.ntmgate.teredo.impl;

import org.ntmgate.api.config.ConfigChecks;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.teredo.relay}: the Teredo relay runs only when configured. */
@ObjectClassDefinition(name = "ntmgate Teredo relay", description = "Routes 2001::/32 from the IPv6 side into Teredo (RFC 4380 5.4). Gogo: teredo:relay.")
public @interface TeredoRelayConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String PEER_IDLE_SECONDS_MIN = "30";

    @AttributeDefinition(name = "Bind address", description = "Global IPv4 address the relay's UDP socket uses (Teredo clients see it).")
    String bindAddress();

    @AttributeDefinition(name = "Port", min = ConfigChecks.PORT_MIN, max = ConfigChecks.PORT_MAX, description = "UDP port; 0 picks one.")
    int port() default 0;

    @AttributeDefinition(name = "TUN device", description = "The device 2001::/32 is routed to.")
    String tunName() default "teredo-relay";

    @AttributeDefinition(name = "Peer idle timeout (seconds)", min = PEER_IDLE_SECONDS_MIN, description = "A peer not heard from for this long must prove its mapping again (bubbles).")
    long peerIdleSeconds() default 300;
}
