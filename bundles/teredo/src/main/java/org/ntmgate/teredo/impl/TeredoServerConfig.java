package org.ntmgate.teredo.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.teredo.server}: the Teredo server runs only when configured. */
@ObjectClassDefinition(name = "ntmgate Teredo server", description = "Teredo qualification (RFC 4380 5.3, RFC 5991) on two consecutive IPv4"
        + " addresses, UDP 3544. Gogo: teredo:server.")
public @interface TeredoServerConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String PER_SECOND_MIN = "1";
    String BURST_MIN = "1";

    @AttributeDefinition(name = "Primary address", description = "Global IPv4 address of the server (its Teredo prefix is 2001:0:<this>::/64).")
    String primaryAddress();

    @AttributeDefinition(name = "Secondary address", description = "The second address clients check their NAT against; empty: the primary plus one.")
    String secondaryAddress() default "";

    @AttributeDefinition(name = "TUN device", description = "Where clients' echo requests to native hosts leave (their direct connectivity test); empty: not forwarded.")
    String tunName() default "teredo-server";

    @AttributeDefinition(name = "Datagrams per second per source", min = PER_SECOND_MIN,
            description = "Datagrams one source address may send per second; more are dropped and counted.")
    int perSecond() default 20;

    @AttributeDefinition(name = "Burst per source", min = BURST_MIN, description = "How many one source may send at once above that rate.")
    int burst() default 40;
}
