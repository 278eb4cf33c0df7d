package org.ntmgate.role;

import java.io.IOException;
import java.nio.ByteBuffer;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.ntmgate.tun.PacketQueue;
import org.ntmgate.tun.TunException;
import org.ntmgate.wire.DatagramBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that reads a role's TUN queue (protocol.md 15.7): each packet into one reused direct buffer, handed
 * to the role's {@link Packets}; what the role batched for UDP goes out as soon as the queue has nothing more. A
 * failing read is logged and retried after 100 ms; a packet that fails inside the role is logged and the next one
 * read. Nothing is allocated per packet.
 */
public final class TunReader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TunReader.class);
    /** How long a read waits when nothing is batched: the longest a {@link #close} waits for the thread. */
    static final int WAIT_MILLIS = 200;

    /** What a role does with each packet its TUN queue gives it. */
    public interface Packets {
        /** One packet, between {@code buf}'s reader and writer index; datagrams to send go into {@code batch}. */
        void packet(ByteBuf buf, DatagramBatch batch) throws TunException, IOException;

        /** The queue had nothing for a while (at most {@link #WAIT_MILLIS}), after the batch was sent. */
        default void idle() {
        }
    }

    private final String role;
    private final String device;
    private final PacketQueue queue;
    private final DatagramBatch batch;
    private final Packets packets;
    private final Thread thread;
    private volatile boolean running = true;

    private TunReader(String role, String device, PacketQueue queue, DatagramBatch batch, Packets packets, String threadName) {
        this.role = role;
        this.device = device;
        this.queue = queue;
        this.batch = batch;
        this.packets = packets;
        this.thread = Threads.start(threadName, this::run);
    }

    /** Starts reading {@code queue} of {@code device} on a thread named {@code threadName}; {@code role} names it in logs. */
    public static TunReader start(String role, String device, PacketQueue queue, DatagramBatch batch, Packets packets, String threadName) {
        return new TunReader(role, device, queue, batch, packets, threadName);
    }

    private void run() {
        ByteBuffer rx = ByteBuffer.allocateDirect(65_536);
        ByteBuf buf = Unpooled.wrappedBuffer(rx);
        while (running) {
            try {
                rx.clear();
                int n = queue.read(rx, batch.pending() ? 0 : WAIT_MILLIS);
                if (n <= 0) {
                    batch.flush(); // the device has nothing more for now: what is sealed goes (15.7)
                    packets.idle();
                    continue;
                }
                buf.setIndex(0, n);
                packets.packet(buf, batch);
            } catch (TunException e) {
                if (running) {
                    LOG.error("{}: reading {} failed: {}", role, device, e.getMessage());
                    pause();
                }
            } catch (IOException | RuntimeException e) {
                LOG.error("{}: a packet from {} failed inside the role", role, device, e);
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops the thread and waits for it (at most a read's wait and a packet's work). */
    @Override
    public void close() {
        running = false;
        Threads.join(thread, 1000);
    }
}
