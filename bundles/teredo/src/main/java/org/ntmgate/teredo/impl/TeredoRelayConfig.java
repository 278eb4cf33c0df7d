package org.ntmgate.teredo.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.teredo.relay}: the Teredo relay runs only when configured. */
@ObjectClassDefinition(name = "ntmgate Teredo relay", description = "Routes 2001::/32 from the IPv6 side into Teredo (RFC 4380 5.4). Gogo: teredo:relay.")
public @interface TeredoRelayConfig {
    @AttributeDefinition(name = "Bind address", description = "Global IPv4 address the relay's UDP socket uses (Teredo clients see it).")
    String bindAddress();

    @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "UDP port; 0 picks one.")
    int port() default 0;

    @AttributeDefinition(name = "TUN device", description = "The device 2001::/32 is routed to.")
    String tunName() default "teredo-relay";

    @AttributeDefinition(name = "Peer idle timeout (seconds)", min = "30", description = "A peer not heard from for this long must prove its mapping again (bubbles).")
    long peerIdleSeconds() default 300;
}
