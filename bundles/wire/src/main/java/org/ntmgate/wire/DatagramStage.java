package org.ntmgate.wire;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;

/**
 * A handler at the front of a role's UDP pipeline that takes the datagrams of one kind ({@link #takes}: DATA, a
 * REGISTER_REQUEST, a login challenge) and hands every other on, in the order they came. A datagram it takes is
 * released after {@link #take}; what the codec refuses is counted by reason ({@link #dropped}, protocol.md 10.1) and
 * anything else that fails is logged: nothing a datagram holds ends the pipeline.
 */
public abstract class DatagramStage extends ChannelInboundHandlerAdapter {
    private final Logger log;
    private final String what;

    /** @param what the datagrams and the role, as the log names them ("DATA inside the RS-N") */
    protected DatagramStage(Logger log, String what) {
        this.log = log;
        this.what = what;
    }

    /** Whether this stage takes {@code datagram} (indices not moved). */
    protected abstract boolean takes(ByteBuf datagram);

    /** Handles a datagram {@link #takes} said yes to; the stage releases it afterwards. */
    protected abstract void take(ChannelHandlerContext ctx, DatagramPacket packet) throws WireDecodeException;

    /** Counts a datagram the codec refused. */
    protected abstract void dropped(WireDecodeException.Reason reason);

    @Override
    public final void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof DatagramPacket packet) || !takes(packet.content())) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            take(ctx, packet);
        } catch (WireDecodeException e) {
            dropped(e.reason());
        } catch (RuntimeException e) {
            log.error("{} from {} failed", what, packet.sender(), e);
        } finally {
            packet.release();
        }
    }

    /** The message type byte of {@code datagram}, or -1 when it is shorter than two bytes. */
    protected static int type(ByteBuf datagram) {
        return datagram.readableBytes() < 2 ? -1 : datagram.getUnsignedByte(datagram.readerIndex() + 1);
    }
}
