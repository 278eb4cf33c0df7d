/**
 * What the Teredo roles show administrators beyond their RoleStatus: the client's qualification, NAT and peers.
 */
@Export
@Version("2.0.0")
package org.ntmgate.api.teredo;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
