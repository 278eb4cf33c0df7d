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

    @AttributeDefinition(name = "LAN prefixes (gateway mode)", description = "The prefixes of a LAN behind this node whose hosts reach NTMobile peers through it (11.4): its IPv6 ULA /64 and its IPv4 network (192.168.1.0/24: the addresses the LAN already has; needs the IPv4 service), one or both; empty: off.")
    String[] lanPrefix() default {};

    @AttributeDefinition(name = "IPv4 service", description = "IPv4 hosts and applications reach the peers too: A queries answered with a virtual IPv4 address of the IPv4 pool, IPv4 translated to IPv6 (RFC 7915) into the tunnel (11.6).")
    boolean ipv4() default true;

    @AttributeDefinition(name = "IPv4 pool", description = "IPv4 prefix (/16 to /29) whose addresses stand for peers in A answers (11.6.1); outside every network of this host and of the LAN.")
    String ipv4Pool() default "100.127.0.0/16";

    @AttributeDefinition(name = "LAN ports", description = "first-last: the ports (and ICMPv6 echo identifiers) LAN flows get on the node's virtual address; keep them outside the host's own ephemeral range.")
    String lanPorts() default "61000-65535";

    @AttributeDefinition(name = "Direct suffixes", description = "Names under these suffixes never go over NTMobile (11.2).")
    String[] directSuffixes() default {};
}
