/**
 * What every role bundle shares, so that it is written once: {@link org.ntmgate.role.RoleRunner} (a component's
 * engine and how configurations reach it), {@link org.ntmgate.role.TunReader} (the thread that reads a role's TUN
 * queue and batches what it sends), {@link org.ntmgate.role.PacketTooBig} (the ICMPv6 error a tunnel end answers an
 * oversized packet with), {@link org.ntmgate.role.Key128} (a 128-bit map key filled in place on the packet path),
 * {@link org.ntmgate.role.RunnerStatus} (a role's health answered from its runner),
 * {@link org.ntmgate.role.TokenBucket} (per-second rates) and {@link org.ntmgate.role.Threads} (named daemon
 * threads and bounded joins).
 */
@Export
@Version("1.0.0")
package org.ntmgate.role;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
