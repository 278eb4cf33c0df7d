package org.ntmgate.node.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.node}: a gateway (or host) configured as an NTM node. */
@ObjectClassDefinition(name = "ntmgate NTM node",
        description = "Reaches IPv6 hosts by name through NTMobile (docs/protocol.md 4, 7, 11). Gogo: node:status, node:paths.")
public @interface NodeConfig {
    @AttributeDefinition(name = "Node name", description = "This node's FQDN: its account at the AS (runtime/bin/ntmgate account add <fqdn> makes one there).")
    String fqdn();

    @AttributeDefinition(name = "Password", type = AttributeType.PASSWORD, description = "The account's password, as account add printed it or the console's Accounts page showed it.")
    String password();

    @AttributeDefinition(name = "Account Server", description = "host:port of the AS, a name or an address (an IPv6 address in brackets: [2001:db8::1]:4710); the port may be left out: 4710.")
    String accountServer();

    @AttributeDefinition(name = "Direction Coordinator", description = "host:port of this node's DC, a name or an address (an IPv6 address in brackets); the port may be left out: 4711.")
    String directionCoordinator();

    @AttributeDefinition(name = "TUN device", description = "Name of the node's TUN device.")
    String tunName() default "ntm0";

    @AttributeDefinition(name = "Virtual prefix", description = "Prefix routed into the tunnel: it covers the DC's NODE and GENERAL_NODE IPv6 pools (11.3).")
    String virtualPrefix() default "fd4e:746d::/48";

    @AttributeDefinition(name = "DNS stub address", description = "host:port the DNS stub answers on (an IPv6 address in brackets): make it the resolver of this host or LAN.")
    String dnsListen() default "127.0.0.1:53";

    @AttributeDefinition(name = "Upstream resolver", description = "host:port where every query not for NTMobile goes unchanged (11.2): the resolver this host used before.")
    String upstreamDns();

    @AttributeDefinition(name = "LAN prefix (gateway mode)", description = "The ULA /64 of a LAN behind this node whose hosts reach NTMobile peers through it (11.4); empty: off.")
    String lanPrefix() default "";

    @AttributeDefinition(name = "LAN ports", description = "first-last: the ports (and ICMPv6 echo identifiers) LAN flows get on the node's virtual address; keep them outside the host's own ephemeral range.")
    String lanPorts() default "61000-65535";

    @AttributeDefinition(name = "Direct suffixes", description = "Names under these suffixes never go over NTMobile (11.2).")
    String[] directSuffixes() default {};
}
