package org.ntmgate.wire;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP socket of a signalling role (AS, DC): one event-loop thread, one handler, bound to one address; closing it
 * releases the port and the thread within bounded time. On Linux with Netty's native epoll transport it receives
 * with {@code recvmmsg} (up to {@link #BATCH} datagrams a system call) and, for what the handler writes while it
 * reads, sends with {@code sendmmsg} when {@link #send} is flushed at the end of the read; elsewhere it falls back to
 * NIO, one datagram a call. A system call costs about 1 us on the reference machine: batching is what counts.
 */
public final class UdpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(UdpServer.class);
    /** Socket buffers asked for (the kernel caps them at net.core.rmem_max / wmem_max): room for bursts of requests. */
    static final int RECEIVE_BUFFER = 4 << 20;
    /** Largest signalling datagram (protocol.md 1.2 keeps them under 1200 bytes; DATA is the RS-N's, not this). */
    static final int MAX_DATAGRAM = 2048;
    /** Datagrams one recvmmsg call may return. */
    static final int BATCH = 32;

    private final EventLoopGroup group;
    private final Channel channel;
    private final boolean epoll;

    private UdpServer(EventLoopGroup group, Channel channel, boolean epoll) {
        this.group = group;
        this.channel = channel;
        this.epoll = epoll;
    }

    /** Binds {@code address} (port 0: a free one) and hands every datagram to {@code handler}. */
    public static UdpServer bind(InetSocketAddress address, ChannelHandler handler) throws InterruptedException {
        return bind(address, handler, false);
    }

    /**
     * Binds as {@link #bind(InetSocketAddress, ChannelHandler)}; with {@code gro} (a tunnel end, protocol.md 15.7) the
     * kernel may hand over a peer's UDP GSO super-datagram whole (UDP_GRO), one receive for up to 64 datagrams, which
     * the handler still gets one by one.
     */
    public static UdpServer bind(InetSocketAddress address, ChannelHandler handler, boolean gro) throws InterruptedException {
        boolean epoll = NativeEpoll.available();
        IoHandlerFactory io = epoll ? NativeEpoll.ioHandlerFactory() : NioIoHandler.newFactory();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Bootstrap b = new Bootstrap().group(group).option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER).option(ChannelOption.SO_SNDBUF, RECEIVE_BUFFER)
                    .handler(handler);
            if (epoll) {
                NativeEpoll.configure(b, MAX_DATAGRAM, gro);
                b.option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM * BATCH));
            } else {
                b.channel(NioDatagramChannel.class);
            }
            Channel channel = b.bind(address).sync().channel();
            return new UdpServer(group, channel, epoll);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound channel: for sending from outside the handler, and its event loop for timers. */
    public Channel channel() {
        return channel;
    }

    /** Whether the native epoll transport (recvmmsg/sendmmsg) is in use. */
    public boolean batching() {
        return epoll;
    }

    /** Whether datagrams can be sent as one UDP GSO super-datagram (epoll, and a kernel with UDP_SEGMENT). */
    public boolean segmentation() {
        return epoll && NativeEpoll.segmentation();
    }

    /**
     * Sends a datagram. Called on the event loop while the handler reads, it is only queued, and the handler's
     * {@code channelReadComplete} flushes the batch ({@code flush = false}); anywhere else pass {@code flush = true}.
     */
    public void send(ByteBuf content, InetSocketAddress to, boolean flush) {
        DatagramPacket p = new DatagramPacket(content, to);
        if (flush) {
            channel.writeAndFlush(p, channel.voidPromise());
        } else {
            channel.write(p, channel.voidPromise());
        }
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** The epoll classes, touched only when they can load (they are an optional import in the framework). */
    static final class NativeEpoll {
        private static volatile Boolean available;

        static boolean available() {
            Boolean a = available;
            if (a == null) {
                try {
                    a = io.netty.channel.epoll.Epoll.isAvailable();
                    if (!a) {
                        LOG.info("Netty's epoll transport is not available ({}): UDP uses NIO, one datagram a system call",
                                io.netty.channel.epoll.Epoll.unavailabilityCause().toString());
                    }
                } catch (LinkageError e) {
                    LOG.info("Netty's epoll transport is not installed ({}): UDP uses NIO, one datagram a system call", e.toString());
                    a = false;
                }
                available = a;
            }
            return a;
        }

        static IoHandlerFactory ioHandlerFactory() {
            return io.netty.channel.epoll.EpollIoHandler.newFactory();
        }

        static boolean segmentation() {
            return io.netty.channel.epoll.SegmentedDatagramPacket.isSupported();
        }

        static DatagramPacket segmented(ByteBuf content, int segmentSize, InetSocketAddress to) {
            return new io.netty.channel.epoll.SegmentedDatagramPacket(content, segmentSize, to);
        }

        static void configure(Bootstrap b, int maxDatagram, boolean gro) {
            // with GRO, one recvmsg per read into the whole 64 KB buffer (Netty reads GRO super-datagrams only that way and
            // hands their datagrams on one by one); without, recvmmsg into slots of maxDatagram
            b.channel(io.netty.channel.epoll.EpollDatagramChannel.class).option(io.netty.channel.epoll.EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE,
                    gro ? 0 : maxDatagram);
            if (gro) {
                b.option(io.netty.channel.epoll.EpollChannelOption.UDP_GRO, true);
            }
        }
    }
}
