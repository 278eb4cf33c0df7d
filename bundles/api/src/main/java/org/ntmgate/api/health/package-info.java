/**
 * Health of the gateway's roles, as the health endpoint and the upgrade tool see it.
 */
@Export
@Version("1.2.0")
package org.ntmgate.api.health;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
