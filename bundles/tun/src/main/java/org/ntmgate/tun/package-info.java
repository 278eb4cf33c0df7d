/**
 * Linux TUN devices for the roles that move packets (NTM node, RS-N, Teredo): {@link org.ntmgate.tun.TunDevice}
 * creates one (with one or more queues), gives it addresses and brings it up; each
 * {@link org.ntmgate.tun.TunQueue} (a {@link org.ntmgate.tun.PacketQueue}) reads and writes whole IP packets into direct buffers without allocating; with
 * offloads the kernel's TCP super-packets are split on reads and segments joined on writes (protocol.md 15.7).
 */
@Export
@Version("1.3.0")
package org.ntmgate.tun;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
