/**
 * The Direction Coordinator outside a framework: {@link org.ntmgate.dc.DcFixture} runs the bundle's own engine on a
 * configuration it is given, for the DC load benchmark and tools. The component itself is in the bundle's private
 * package.
 */
@Export
@Version("1.0.0")
package org.ntmgate.dc;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
