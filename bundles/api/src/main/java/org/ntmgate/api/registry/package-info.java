/**
 * The node registry a Direction Coordinator keeps: which NTM nodes are registered, where they are and whether they
 * sit behind a NAT. Implemented by the {@code dc} bundle; read by the console and other roles.
 */
@Export
@Version("1.0.0")
package org.ntmgate.api.registry;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
