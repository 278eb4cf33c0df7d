package org.ntmgate.dc.impl;

import org.ntmgate.api.config.ConfigChecks;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.dc}: the DC runs only on gateways configured to be one. */
@ObjectClassDefinition(name = "ntmgate Direction Coordinator",
        description = "Registration of NTM nodes, their virtual addresses and DNS names, and the Direction Requests that route them "
                + "(docs/protocol.md sections 7 and 14).")
public @interface DcConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String REGISTRATION_LIFETIME_SECONDS_MIN = "30";
    String REGISTRATION_LIFETIME_SECONDS_MAX = "3600";
    String DNS_TTL_SECONDS_MIN = "5";
    String DNS_TTL_SECONDS_MAX = "86400";
    String INNER_MTU_MIN = "1280";
    String INNER_MTU_MAX = "1500";
    String PATH_LIFETIME_SECONDS_MIN = "60";
    String PATH_LIFETIME_SECONDS_MAX = "86400";

    @AttributeDefinition(name = "Bind address", description = "Address the DC's socket listens on.")
    String bindAddress() default "0.0.0.0";

    @AttributeDefinition(name = "Port", min = ConfigChecks.PORT_MIN, max = ConfigChecks.PORT_MAX, description = "UDP port (protocol.md 1.3); 0 picks a free one.")
    int port() default 4711;

    @AttributeDefinition(name = "AS-DC key id", min = "1", description = "K_ad's key id, decimal, 1 to 2147483647, the same as on the AS.")
    int asDcKeyId() default 1;

    @AttributeDefinition(name = "AS-DC key", type = AttributeType.PASSWORD,
            description = "K_ad: 64 hex digits (32 bytes), the same as on the Account Server whose tickets this DC accepts.")
    String asDcKey();

    @AttributeDefinition(name = "Registration lifetime (seconds)", min = REGISTRATION_LIFETIME_SECONDS_MIN, max = REGISTRATION_LIFETIME_SECONDS_MAX,
            description = "A node silent this long is dropped and its addresses return to the pools (nodes send keep-alives every 25 s).")
    long registrationLifetimeSeconds() default 90;

    @AttributeDefinition(name = "Zone", required = false,
            description = "The DNS zone of this DC's nodes (e.g. nodes.example.net); empty: no zone, no DNS updates, no peer DCs.")
    String zone() default "";

    @AttributeDefinition(name = "DNS resolver", description = "address:port of the resolver the DC asks about names (A, AAAA, SRV _ntm-dc._udp); an IPv6 address in brackets: [2001:db8::53]:53.")
    String dnsResolver() default "127.0.0.1:53";

    @AttributeDefinition(name = "DNS primary for updates", required = false,
            description = "address:port of the zone's primary server that takes RFC 2136 updates (an IPv6 address in brackets); empty: the DNS resolver.")
    String dnsUpdateServer() default "";

    @AttributeDefinition(name = "TSIG key name", required = false, description = "Name of the TSIG key (HMAC-SHA-256) for updates; empty: no DNS updates.")
    String tsigKeyName() default "";

    @AttributeDefinition(name = "TSIG secret", type = AttributeType.PASSWORD, required = false, description = "The TSIG key in base64.")
    String tsigSecret() default "";

    @AttributeDefinition(name = "DNS TTL (seconds)", min = DNS_TTL_SECONDS_MIN, max = DNS_TTL_SECONDS_MAX, description = "TTL of the nodes' A/AAAA records.")
    long dnsTtlSeconds() default 60;

    @AttributeDefinition(name = "Relays (RS-N)", required = false,
            description = "One entry per RS-N, in order of preference: '<id> <address>:<port> <key id> <K_dr, 64 hex digits>'. The address:port is where nodes tunnel to, so reachable from them; the key id (decimal, 1 to 2147483647, different for each entry) and K_dr are the RS-N's dcKeys entry.")
    String[] relays() default {};

    @AttributeDefinition(name = "Peer DCs", required = false,
            description = "One entry per peer DC: '<zone> <key id> <K_dd, 64 hex digits>', the key id decimal, 1 to 2147483647, different for each entry. The peer's address comes from SRV _ntm-dc._udp.<zone>.")
    String[] peers() default {};

    @AttributeDefinition(name = "Inner MTU", min = INNER_MTU_MIN, max = INNER_MTU_MAX, description = "The tunnels' inner MTU (protocol.md 2.4.4).")
    int innerMtu() default 1400;

    @AttributeDefinition(name = "Path lifetime (seconds)", min = PATH_LIFETIME_SECONDS_MIN, max = PATH_LIFETIME_SECONDS_MAX, description = "Lifetime of K_path (protocol.md 8.3).")
    long pathLifetimeSeconds() default 3600;
}
