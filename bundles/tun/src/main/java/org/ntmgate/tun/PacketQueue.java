package org.ntmgate.tun;

import java.nio.ByteBuffer;

/**
 * Where a role's data path reads the packets routed to it and writes the packets it delivers: one queue of a TUN
 * device ({@link TunQueue}) in a gateway, a queue in memory in a unit test. Whole IP packets, in direct buffers.
 */
public interface PacketQueue {
    /**
     * Reads one packet into {@code buf} from its position, waiting at most {@code timeoutMillis}; returns its length
     * and advances the position, or 0 when none came in time.
     */
    int read(ByteBuffer buf, int timeoutMillis) throws TunException;

    /** Writes the packet between {@code buf}'s position and limit now; returns its length. */
    int write(ByteBuffer buf) throws TunException;

    /** Takes the packet between position and limit, to be written now or joined with the next of its flow until {@link #flush}. */
    void offer(ByteBuffer buf) throws TunException;

    /** Writes whatever {@link #offer} still holds. */
    void flush() throws TunException;

    /** One line on the queue's offloads, for status views. */
    String offloadSummary();
}
