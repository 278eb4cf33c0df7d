/**
 * The shared translation table: entries that map a virtual endpoint to a real one and back.
 *
 * <p>One {@link org.ntmgate.api.table.TranslationTable} service serves every role that translates addresses:
 * the NTMobile RS-N (node virtual address &lt;-&gt; RS-N egress address, general-node virtual address &lt;-&gt;
 * its real address), the Teredo relay (a peer's Teredo address &lt;-&gt; its mapped IPv4 address and port) and the
 * NTM node's IPv4 service (a virtual IPv4 address &lt;-&gt; the peer's virtual IPv6 address).
 * The service lives in its own bundle so that updating or restarting a role that uses it loses no entry, and it
 * persists its entries across framework restarts.
 *
 * <p>Changes are posted on EventAdmin under the topics in {@link org.ntmgate.api.table.TableEvents}.
 */
@Export
@Version("1.2.0")
package org.ntmgate.api.table;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
