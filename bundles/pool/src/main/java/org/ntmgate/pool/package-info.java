/**
 * The pool service outside a framework: {@link org.ntmgate.pool.PoolFixture} runs the bundle's own component on
 * pool configurations it is given, for benchmarks and tools. The component itself is in the bundle's private package.
 */
@Export
@Version("1.0.0")
package org.ntmgate.pool;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
