/**
 * Packets on Netty {@link io.netty.buffer.ByteBuf}s, read and rewritten in place: {@link org.ntmgate.packet.IpPacket}
 * parses IPv4 and IPv6 (extension headers walked within bounds) down to UDP, TCP, ICMP and ICMPv6 without
 * allocating, {@link org.ntmgate.packet.InternetChecksum} computes and incrementally updates checksums (RFC 1071,
 * RFC 1624), and {@link org.ntmgate.packet.Icmpv6Builder} builds the ICMPv6 errors a tunnel end must send.
 *
 * <p>Bad packets are reported as a {@link org.ntmgate.packet.ParseStatus}, never by reading out of bounds and never by
 * an exception on the packet path.
 */
@Export
@Version("1.2.0")
package org.ntmgate.packet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
