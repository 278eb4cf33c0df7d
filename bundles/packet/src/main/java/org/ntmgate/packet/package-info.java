/**
 * Packets on Netty {@link io.netty.buffer.ByteBuf}s, read and rewritten in place: {@link org.ntmgate.packet.IpPacket}
 * parses IPv4 and IPv6 (extension headers walked within bounds) down to UDP, TCP, ICMP and ICMPv6 without
 * allocating, {@link org.ntmgate.packet.InternetChecksum} computes and incrementally updates checksums (RFC 1071,
 * RFC 1624), {@link org.ntmgate.packet.PacketBuilder} builds whole packets (the ICMP errors a tunnel end must send,
 * test traffic) and {@link org.ntmgate.packet.Rfc7915} translates between IPv4 and IPv6.
 *
 * <p>Bad packets are reported as a {@link org.ntmgate.packet.ParseStatus}, never by reading out of bounds and never by
 * an exception on the packet path.
 */
@Export
@Version("2.0.0")
package org.ntmgate.packet;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
