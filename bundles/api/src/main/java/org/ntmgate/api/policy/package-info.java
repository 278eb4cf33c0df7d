/**
 * Relay policy: may this node reach that destination through this relay, and within which limits. Consulted by the
 * Direction Coordinator when it picks a relay and by the RS-N when it forwards. Implemented by the {@code policy}
 * bundle from configuration.
 */
@Export
@Version("1.1.0")
package org.ntmgate.api.policy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
