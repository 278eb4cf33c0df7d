package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

/**
 * Batches of DATA-sized datagrams over the loopback interface between two real sockets (protocol.md 15.7): a batch
 * of equal datagrams and a shorter last one leaves as one UDP GSO send where the kernel has it, and a receiver that
 * takes GRO super-datagrams, or one that does not, gets every datagram separately, in order, byte for byte.
 */
class DatagramBatchTest {
    private static final class Collector extends SimpleChannelInboundHandler<DatagramPacket> {
        final BlockingQueue<byte[]> got = new LinkedBlockingQueue<>();

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            got.add(ByteBufUtil.getBytes(p.content()));
        }
    }

    private static List<byte[]> datagrams(int count, int size, int last) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] d = new byte[i == count - 1 ? last : size];
            for (int j = 0; j < d.length; j++) {
                d[j] = (byte) (i * 31 + j);
            }
            out.add(d);
        }
        return out;
    }

    private static void sendAndCheck(boolean gro) throws Exception {
        Collector c = new Collector();
        InetSocketAddress lo = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (UdpServer receiver = UdpServer.bind(lo, c, gro); UdpServer sender = UdpServer.bind(lo, new Collector())) {
            assertTrue(sender.segmentation(), "Linux with Netty's epoll transport sends UDP GSO batches here");
            DatagramBatch batch = new DatagramBatch(sender);
            InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), receiver.localAddress().getPort());
            List<byte[]> sent = new ArrayList<>(datagrams(40, 1430, 700)); // one batch ended by its shorter last datagram
            sent.addAll(datagrams(3, 200, 200)); // then three equal ones, sent by the flush
            for (byte[] d : sent) {
                ByteBuf b = batch.buffer(to, d.length);
                b.writeBytes(d);
                batch.added(d.length);
            }
            batch.flush();
            assertEquals(2, batch.sends(), "two batches");
            assertEquals(43, batch.datagrams());
            for (int i = 0; i < sent.size(); i++) {
                byte[] d = c.got.poll(5, TimeUnit.SECONDS);
                assertTrue(d != null, "datagram " + i + " arrived (gro " + gro + ")");
                assertArrayEquals(sent.get(i), d, "datagram " + i + " (gro " + gro + ")");
            }
            assertEquals(null, c.got.poll(200, TimeUnit.MILLISECONDS), "nothing more");
        }
    }

    @Test
    void aBatchArrivesAsItsDatagramsAtAReceiverWithGro() throws Exception {
        sendAndCheck(true);
    }

    @Test
    void aBatchArrivesAsItsDatagramsAtAReceiverWithoutGro() throws Exception {
        sendAndCheck(false);
    }
}
