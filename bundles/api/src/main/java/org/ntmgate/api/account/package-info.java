/**
 * The Account Server's node accounts, as the console's Accounts page and automation see them, and the event by
 * which a revoked account's registration and paths end on the same gateway (protocol.md 4.7).
 */
@Export
@Version("1.0.0")
package org.ntmgate.api.account;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
