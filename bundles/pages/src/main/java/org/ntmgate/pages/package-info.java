/**
 * The console's pages outside a framework: {@link org.ntmgate.pages.PageFixture} reads a page's JSON from services
 * it is given, for the pages' benchmark and for tools. The pages themselves are DS components in the bundle's
 * private package.
 */
@Export
@Version("1.0.0")
package org.ntmgate.pages;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
