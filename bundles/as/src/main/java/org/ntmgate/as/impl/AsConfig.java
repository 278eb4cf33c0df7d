package org.ntmgate.as.impl;

import org.ntmgate.provision.Credentials;

import org.ntmgate.api.config.ConfigChecks;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.as}: the Account Server runs only on gateways configured to be one. */
@ObjectClassDefinition(name = "ntmgate Account Server",
        description = "Accounts and login of NTM nodes (docs/protocol.md section 4). Accounts: Gogo 'as:add', 'as:list'.")
public @interface AsConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String TICKET_LIFETIME_SECONDS_MIN = "60";
    String TICKET_LIFETIME_SECONDS_MAX = "86400";
    String ITERATIONS_MIN = "100000";
    String LOGIN_REQUESTS_PER_SECOND_MIN = "1";
    String LOGIN_BURST_MIN = "1";

    @AttributeDefinition(name = "Bind address", description = "Address the login socket listens on.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", min = ConfigChecks.PORT_MIN, max = ConfigChecks.PORT_MAX, description = "UDP port (protocol.md 1.3); 0 picks a free one.")
    int port() default 4710;

    @AttributeDefinition(name = "AS-DC key id", min = "1", description = "K_ad's key id, decimal, 1 to 2147483647, the same on the DCs (runtime/bin/ntmgate keygen prints an id and a key).")
    int asDcKeyId() default 1;

    @AttributeDefinition(name = "AS-DC key", type = AttributeType.PASSWORD,
            description = "K_ad: 64 hex digits (32 bytes), the same on the DCs that accept this AS's tickets (runtime/bin/ntmgate keygen).")
    String asDcKey();

    @AttributeDefinition(name = "Ticket lifetime (seconds)", min = TICKET_LIFETIME_SECONDS_MIN, max = TICKET_LIFETIME_SECONDS_MAX,
            description = "How long a login's ticket lets its node register; the node logs in again before it ends.")
    long ticketLifetimeSeconds() default 3600;

    @AttributeDefinition(name = "PBKDF2 iterations for new passwords", min = ITERATIONS_MIN,
            description = "Iterations of the credentials this gateway makes (as:hash, the console's Accounts page); a credential keeps its own.")
    int iterations() default Credentials.DEFAULT_ITERATIONS;

    @AttributeDefinition(name = "Login requests per second per address", min = LOGIN_REQUESTS_PER_SECOND_MIN,
            description = "LOGIN_REQUESTs one source address may send per second; more are dropped unanswered.")
    int loginRequestsPerSecond() default 10;

    @AttributeDefinition(name = "Login request burst per address", min = LOGIN_BURST_MIN,
            description = "How many LOGIN_REQUESTs one source address may send at once above that rate.")
    int loginBurst() default 20;
}
