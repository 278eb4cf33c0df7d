package org.ntmgate.role;

import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.packet.IpPacket;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.wire.TrafficCounters;
import org.ntmgate.wire.WireDecodeException;

import io.netty.buffer.ByteBuf;

/**
 * What a role's data path moved each way and dropped by reason (its README's "Counters" and "Drops"), shared by its
 * handlers and counted from any thread without a lock. A role binds it to its own reasons and directions.
 *
 * @param <E> the role's drop reasons
 */
public class DataPathCounters<E extends Enum<E>> {
    private final DropCounters<E> drops;
    private final E malformed;
    private final TrafficCounters traffic;
    private final LongAdder local = new LongAdder();

    /**
     * @param reasons    the role's drop reasons
     * @param malformed  the reason a codec refusal counts under when the role has none of the codec's name
     * @param directions the directions' names in {@link #snapshot}, by index ("to_real", "to_node")
     */
    protected DataPathCounters(Class<E> reasons, E malformed, String... directions) {
        this.drops = new DropCounters<>(reasons);
        this.malformed = malformed;
        this.traffic = new TrafficCounters(directions);
    }

    public final void drop(E why) {
        drops.count(why);
    }

    /** A datagram the wire codec refused: under the role's reason of the same name, else as malformed. */
    public final void drop(WireDecodeException.Reason why) {
        drops.count(why, malformed);
    }

    /** One packet of {@code bytes} moved in {@code direction}. */
    public final void moved(int direction, int bytes) {
        traffic.count(direction, bytes);
    }

    public final long packets(int direction) {
        return traffic.packets(direction);
    }

    public final Map<E, Long> drops() {
        return drops.snapshot();
    }

    /**
     * Whether {@code ip}, read from the role's TUN device, is one of the kernel's own packets on that device (router
     * solicitations, MLD reports, duplicate address detection: a link-local or unspecified source, or a multicast
     * destination; IPv4: IGMP, a multicast or broadcast destination, or source 0.0.0.0), which no tunnel carries: such a packet is left unsent and counted here, not as a drop of traffic
     * (protocol.md 11.3).
     */
    public final boolean local(IpPacket ip) {
        ByteBuf b = ip.buffer();
        int src = ip.sourceAddressOffset();
        if (ip.version() == 4) { // IGMP and the like: a multicast or broadcast destination, or no source yet
            int first = b.getUnsignedByte(ip.destinationAddressOffset());
            if (first >= 224 || b.getInt(src) == 0) {
                local.increment();
                return true;
            }
            return false;
        }
        // cheapest first, and only as far as needed: every packet of the data path passes here
        if (b.getUnsignedByte(ip.destinationAddressOffset()) == 0xff || b.getUnsignedByte(src) == 0xfe && (b.getUnsignedByte(src + 1) & 0xc0) == 0x80
                || b.getLong(src) == 0 && b.getLong(src + 8) == 0) {
            local.increment();
            return true;
        }
        return false;
    }

    /** The kernel's own packets left unsent ({@link #local(IpPacket)}). */
    public final long locals() {
        return local.sum();
    }

    /** Both, as the health endpoint and {@code /metrics} report them. */
    public final RoleCounters snapshot() {
        return traffic.with(drops.snapshot());
    }
}
