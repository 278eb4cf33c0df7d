/**
 * Durable state files for every bundle that keeps state in its data area: {@link org.ntmgate.storage.AtomicFile}.
 */
@Export
@Version("1.1.0")
package org.ntmgate.storage;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
