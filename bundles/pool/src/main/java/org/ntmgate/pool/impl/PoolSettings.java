package org.ntmgate.pool.impl;

import java.time.Duration;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.api.pool.PoolPurpose;

/** A validated pool definition; {@link #from} names the pool and the field of anything it refuses. */
record PoolSettings(String name, Prefix prefix, PoolPurpose purpose, Duration leaseTime) {
    static final String FACTORY_PID = "org.ntmgate.pool";

    static PoolSettings from(PoolConfig c) {
        String name = c.name() == null ? "" : c.name().trim();
        if (!name.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw new InvalidConfigurationException(FACTORY_PID + " '" + name + "'", "name",
                    "must be 1-63 lower-case letters, digits and '-', not '" + name + "'");
        }
        String pid = FACTORY_PID + " '" + name + "'";
        Prefix prefix;
        try {
            prefix = Prefix.parse(c.prefix() == null ? "" : c.prefix());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(pid, "prefix", "is not a prefix: " + e.getMessage());
        }
        int hostBits = prefix.family().byteLength() * 8 - prefix.length();
        if (hostBits < 2) {
            throw new InvalidConfigurationException(pid, "prefix", "leaves no address to hand out (" + prefix + ")");
        }
        if (c.purpose() == null) {
            throw new InvalidConfigurationException(pid, "purpose", "must be NODE or GENERAL_NODE");
        }
        ConfigChecks.range(pid, "leaseTimeSeconds", c.leaseTimeSeconds(), PoolConfig.LEASE_TIME_SECONDS_MIN, PoolConfig.LEASE_TIME_SECONDS_MAX);
        return new PoolSettings(name, prefix, c.purpose(), Duration.ofSeconds(c.leaseTimeSeconds()));
    }

    String pid() {
        return FACTORY_PID + " '" + name + "'";
    }
}
