package org.ntmgate.api.health;

import java.util.List;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * What a bundle knows to be wrong beyond its roles' {@link RoleStatus}: configuration that is stored but not
 * running (refused from a file, a pool that is configured but not handing out addresses). The health endpoint lists
 * every registered source's problems.
 */
@ConsumerType
public interface HealthProblems {
    /** One short line per problem (no stack traces); empty when nothing is wrong. */
    List<String> problems();
}
