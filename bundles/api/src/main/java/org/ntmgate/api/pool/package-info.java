/**
 * Virtual address pools: the prefixes a Direction Coordinator hands virtual addresses out of, to NTM nodes and to
 * the general nodes they reach. Pools are configured as ConfigAdmin factory configurations; leases carry an owner
 * and an expiry and persist across restarts. Implemented by the {@code pool} bundle.
 */
@Export
@Version("1.1.0")
package org.ntmgate.api.pool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
