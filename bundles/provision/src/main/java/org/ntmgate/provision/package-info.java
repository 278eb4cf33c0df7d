/**
 * What an operator provisions before a gateway runs, and what a running gateway makes the same way: node
 * credentials ({@link org.ntmgate.provision.Credentials}), account configurations
 * ({@link org.ntmgate.provision.Accounts}), keys and key ids ({@link org.ntmgate.provision.Keys}), and the command
 * that makes them offline ({@link org.ntmgate.provision.Main}). Plain Java: no framework, no service.
 */
@Export
@Version("1.0.0")
package org.ntmgate.provision;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
