package org.ntmgate.api.health;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The gateway's health as {@code /ntmgate/health} reports it, for the console and automation: every problem the
 * health endpoint lists (bundles not active, roles not serving, {@link HealthProblems} of every bundle, components
 * that failed), and the gateway's version.
 */
@ProviderType
public interface GatewayHealth {
    /** One line per problem; empty when the gateway is healthy. */
    List<String> problems();

    /** The image's version when the gateway runs from one, else the runtime's. */
    String version();
}
