/**
 * Address value types shared by every ntmgate contract: {@link org.ntmgate.api.net.Endpoint} (an address and an
 * optional port) and {@link org.ntmgate.api.net.Prefix} (a CIDR prefix). Immutable and strictly parsed.
 */
@Export
@Version("1.1.0")
package org.ntmgate.api.net;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
