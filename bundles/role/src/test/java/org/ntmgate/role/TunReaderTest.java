package org.ntmgate.role;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;
import org.ntmgate.wire.DatagramBatch;

class TunReaderTest {
    @Test
    void handsOverEveryPacketInOrderAndSurvivesAFailingOne() throws Exception {
        MemoryQueue queue = new MemoryQueue();
        List<String> seen = new CopyOnWriteArrayList<>();
        AtomicInteger idle = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        TunReader.Packets packets = new TunReader.Packets() {
            @Override
            public void packet(ByteBuf buf, DatagramBatch batch) {
                String text = new String(ByteBufUtil.getBytes(buf), java.nio.charset.StandardCharsets.US_ASCII);
                seen.add(text);
                if (text.equals("bad")) {
                    throw new IllegalStateException("a packet the role cannot handle");
                }
                if (text.equals("last")) {
                    done.countDown();
                }
            }

            @Override
            public void idle() {
                idle.incrementAndGet();
            }
        };
        for (String p : new String[] { "one", "bad", "two", "last" }) {
            queue.deliver(p.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        EmbeddedChannel channel = new EmbeddedChannel();
        TunReader reader = TunReader.start("Test role", "tun-test", queue, new DatagramBatch(channel, false), packets, "ntmgate-test-tun");
        try {
            assertTrue(done.await(5, TimeUnit.SECONDS), "the reader reached the last packet");
            assertEquals(List.of("one", "bad", "two", "last"), seen, "a failing packet does not stop the reader");
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (idle.get() == 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertTrue(idle.get() > 0, "an empty queue makes the reader send the batch and tell the role it is idle");
        } finally {
            reader.close();
        }
        long threads = Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals("ntmgate-test-tun")).count();
        assertEquals(0, threads, "close waited for the reader thread");
        assertFalse(channel.finish(), "nothing was batched");
    }
}
