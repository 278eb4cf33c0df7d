package org.ntmgate.api.fallback;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Registered by a role that routes IPv6 on its own (the Teredo client: 2000::/3 through its tunnel). The NTM node
 * answers names with their real IPv6 addresses, instead of NTMobile's virtual ones, while its DC cannot be reached and
 * a fallback says it is usable.
 */
@ProviderType
public interface Ipv6Fallback {
    /** Whether native IPv6 destinations are reachable through this fallback now. */
    boolean usable();

    /** One line for logs and Gogo: what the fallback is and its state, or why it is not usable. */
    String describe();
}
