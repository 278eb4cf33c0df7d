package org.ntmgate.dc.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.dc}: the DC runs only on gateways configured to be one. */
@ObjectClassDefinition(name = "ntmgate Direction Coordinator",
        description = "Registration of NTM nodes and their virtual addresses (docs/protocol.md section 7).")
public @interface DcConfig {
    @AttributeDefinition(name = "Bind address", description = "Address the DC's socket listens on.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", min = "0", max = "65535", description = "UDP port (protocol.md 1.3); 0 picks a free one.")
    int port() default 4711;

    @AttributeDefinition(name = "AS-DC key id", min = "1", description = "Key id of the key shared with the AS (K_ad).")
    int asDcKeyId() default 1;

    @AttributeDefinition(name = "AS-DC key", type = AttributeType.PASSWORD,
            description = "K_ad: 64 hex digits (32 bytes), the same as on the Account Server whose tickets this DC accepts.")
    String asDcKey();

    @AttributeDefinition(name = "Registration lifetime (seconds)", min = "30", max = "3600",
            description = "A node silent this long is dropped and its addresses return to the pools (nodes send keep-alives every 25 s).")
    long registrationLifetimeSeconds() default 90;
}
