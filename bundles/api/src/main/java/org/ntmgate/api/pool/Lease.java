package org.ntmgate.api.pool;

import java.net.InetAddress;
import java.time.Instant;

/**
 * An address handed out to an owner until {@code expires}.
 *
 * @param address the virtual address
 * @param pool the name of the pool it came from
 * @param owner who holds it: a node's FQDN, or for a general-node address the requesting node's FQDN and the target
 * @param granted when it was first handed out
 * @param expires when it returns to the pool unless renewed
 */
public record Lease(InetAddress address, String pool, String owner, Instant granted, Instant expires) {
}
