package org.ntmgate.policy.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * Configuration PID {@code org.ntmgate.policy}. A rule entry is a name (it matches that name and every name below
 * it: {@code example.org} matches {@code www.example.org}), a prefix ({@code 2001:db8::/32}), or {@code *}.
 */
@ObjectClassDefinition(name = "ntmgate relay policy",
        description = "Which relays, nodes and destinations may be relayed, and the limits each node has. Deny rules win.")
public @interface PolicyConfig {
    @AttributeDefinition(name = "Allowed relays", required = false,
            description = "Relay ids (RS-N names) the DC may pick; empty allows every relay.")
    String[] allowedRelays() default {};

    @AttributeDefinition(name = "Allowed destinations", required = false,
            description = "Names or prefixes that may be relayed; empty allows every destination not denied.")
    String[] allowDestinations() default {};

    @AttributeDefinition(name = "Denied destinations", required = false,
            description = "Names or prefixes that are never relayed.")
    String[] denyDestinations() default {};

    @AttributeDefinition(name = "Denied nodes", required = false, description = "Node names that may not use any relay.")
    String[] denyNodes() default {};

    @AttributeDefinition(name = "Sessions per node", min = "0", description = "Relayed paths one node may hold; 0: unlimited.")
    int maxSessionsPerNode() default 64;

    @AttributeDefinition(name = "Bytes per second per node", min = "0", description = "Bytes one node may relay per second; 0: unlimited.")
    long maxBytesPerSecondPerNode() default 0;

    @AttributeDefinition(name = "Packets per second per node", min = "0", description = "Packets one node may relay per second; 0: unlimited.")
    long maxPacketsPerSecondPerNode() default 0;

    @AttributeDefinition(name = "Per-node limits", required = false,
            description = "Overrides of the three limits above for some nodes, one entry each: "
                    + "'<node name> sessions=<n> bytesPerSecond=<n> packetsPerSecond=<n>' (any of the three; the others keep the defaults). "
                    + "A name matches itself and the names below it; the longest matching name wins.")
    String[] nodeLimits() default {};
}
