/**
 * A way to reach IPv6 destinations when NTMobile cannot (its DC unreachable): the Teredo client provides one, the NTM
 * node uses it.
 */
@Export
@Version("1.0.0")
package org.ntmgate.api.fallback;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
