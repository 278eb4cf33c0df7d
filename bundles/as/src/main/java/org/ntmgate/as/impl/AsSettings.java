package org.ntmgate.as.impl;

import java.net.InetSocketAddress;
import java.time.Duration;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;

/** Configuration {@code org.ntmgate.as} checked and parsed once, for the component, its validator and the login server. */
record AsSettings(InetSocketAddress bind, int asDcKeyId, byte[] asDcKey, Duration ticketLifetime, int iterations, int requestsPerSecond, int burst) {
    static final String PID = "org.ntmgate.as";

    /** The settings of {@code c}, or a refusal naming the field. */
    static AsSettings of(AsConfig c) {
        InetSocketAddress bind = ConfigChecks.bindAddress(PID, "bindAddress", c.bindAddress(), "port", c.port());
        if (c.asDcKeyId() == 0) {
            throw new InvalidConfigurationException(PID, "asDcKeyId", "must not be 0");
        }
        byte[] key = ConfigChecks.hexKey(PID, "asDcKey", c.asDcKey(), 32);
        ConfigChecks.range(PID, "ticketLifetimeSeconds", c.ticketLifetimeSeconds(), AsConfig.TICKET_LIFETIME_SECONDS_MIN, AsConfig.TICKET_LIFETIME_SECONDS_MAX);
        ConfigChecks.range(PID, "iterations", c.iterations(), AsConfig.ITERATIONS_MIN, null);
        ConfigChecks.range(PID, "loginRequestsPerSecond", c.loginRequestsPerSecond(), AsConfig.LOGIN_REQUESTS_PER_SECOND_MIN, null);
        ConfigChecks.range(PID, "loginBurst", c.loginBurst(), AsConfig.LOGIN_BURST_MIN, null);
        return new AsSettings(bind, c.asDcKeyId(), key, Duration.ofSeconds(c.ticketLifetimeSeconds()), c.iterations(), c.loginRequestsPerSecond(),
                c.loginBurst());
    }
}
