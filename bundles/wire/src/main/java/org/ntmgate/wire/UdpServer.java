package org.ntmgate.wire;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;

/**
 * The UDP socket of a signalling role (AS, DC): one event-loop thread, one handler, bound to one address; closing it
 * releases the port and the thread within bounded time. The place where the epoll transport and batching will go.
 */
public final class UdpServer implements AutoCloseable {
    /** Socket buffers asked for (the kernel caps them at net.core.rmem_max / wmem_max): room for bursts of requests. */
    static final int RECEIVE_BUFFER = 4 << 20;

    private final EventLoopGroup group;
    private final Channel channel;

    private UdpServer(EventLoopGroup group, Channel channel) {
        this.group = group;
        this.channel = channel;
    }

    /** Binds {@code address} (port 0: a free one) and hands every datagram to {@code handler}. */
    public static UdpServer bind(InetSocketAddress address, ChannelHandler handler) throws InterruptedException {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            Channel channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                    .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER).option(ChannelOption.SO_SNDBUF, RECEIVE_BUFFER).handler(handler).bind(address).sync().channel();
            return new UdpServer(group, channel);
        } catch (InterruptedException | RuntimeException e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS);
            throw e;
        }
    }

    /** The bound channel: for sending from outside the handler, and its event loop for timers. */
    public Channel channel() {
        return channel;
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
