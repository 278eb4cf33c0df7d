/**
 * A relay server's live paths (tunnels), read and closed by the console and the JSON API.
 */
@Export
@Version("1.0.0")
package org.ntmgate.api.relay;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
