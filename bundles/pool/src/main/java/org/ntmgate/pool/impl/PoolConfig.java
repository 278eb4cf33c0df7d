package org.ntmgate.pool.impl;

import org.ntmgate.api.pool.PoolPurpose;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One pool: a factory configuration of PID {@code org.ntmgate.pool}, so the Web Console's Configuration page creates,
 * edits and deletes pools.
 */
@ObjectClassDefinition(name = "ntmgate virtual address pool",
        description = "A prefix the Direction Coordinator hands virtual addresses out of. Pools must not overlap;"
                + " a change that would strand live leases is refused.")
public @interface PoolConfig {
    /** The bounds of the numeric attributes, written once: the attributes below and the settings' checks use them. */
    String LEASE_TIME_SECONDS_MIN = "60";
    String LEASE_TIME_SECONDS_MAX = "2592000";

    @AttributeDefinition(name = "Name", description = "Unique name: lower-case letters, digits and '-'. Leases belong to it.")
    String name();

    @AttributeDefinition(name = "Prefix", description = "IPv4 or IPv6 prefix, host bits zero, for example 2001:db8:100::/64.")
    String prefix();

    @AttributeDefinition(name = "Purpose", description = "NODE: addresses of NTM nodes. GENERAL_NODE: addresses standing for servers.")
    PoolPurpose purpose() default PoolPurpose.NODE;

    @AttributeDefinition(name = "Lease time (seconds)", min = LEASE_TIME_SECONDS_MIN, max = LEASE_TIME_SECONDS_MAX,
            description = "How long a lease lasts unless renewed (registrations renew theirs with every keep-alive).")
    long leaseTimeSeconds() default 3600;

    /** How the Web Console's Configuration page lists this configuration: by the pool's name, not its PID. */
    @AttributeDefinition(name = "Listed as", description = "How the Configuration page lists this pool; {name} is the pool's name.")
    String webconsole_configurationFactory_nameHint() default "{name}";
}
