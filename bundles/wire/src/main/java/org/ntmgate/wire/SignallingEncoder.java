package org.ntmgate.wire;

import java.util.List;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageEncoder;

/** {@link Outbound} messages in, UDP datagrams out: one message per datagram (protocol.md 1.2). */
public final class SignallingEncoder extends MessageToMessageEncoder<Outbound> {
    private final MessageCodec codec = new MessageCodec();

    public SignallingEncoder() {
        super(Outbound.class);
    }

    @Override
    protected void encode(ChannelHandlerContext ctx, Outbound msg, List<Object> out) {
        ByteBuf buf = ctx.alloc().buffer(256);
        try {
            codec.encode(msg.message(), msg.key(), buf);
            out.add(new DatagramPacket(buf, msg.recipient()));
        } catch (RuntimeException e) {
            buf.release();
            throw e;
        }
    }
}
