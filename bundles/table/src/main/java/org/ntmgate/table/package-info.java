/**
 * The translation table outside a framework: {@link org.ntmgate.table.TableFixture} makes the bundle's own table,
 * for benchmarks, tools and other bundles' unit tests. The table itself is in the bundle's private package.
 */
@Export
@Version("1.0.0")
package org.ntmgate.table;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
