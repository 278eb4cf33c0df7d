/**
 * The relay policy outside a framework: {@link org.ntmgate.policy.PolicyFixture} runs the bundle's own component on
 * a configuration it is given, for benchmarks and tools. The component itself is in the bundle's private package.
 */
@Export
@Version("1.0.0")
package org.ntmgate.policy;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
