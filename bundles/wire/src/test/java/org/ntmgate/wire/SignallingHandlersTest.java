package org.ntmgate.wire;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.net.InetSocketAddress;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import org.junit.jupiter.api.Test;

class SignallingHandlersTest {
    private static final InetSocketAddress NODE = new InetSocketAddress(Samples.ip("203.0.113.5"), 61000);
    private static final InetSocketAddress DC = new InetSocketAddress(Samples.ip("198.51.100.1"), 4711);

    @Test
    void messagesCrossThePipelinesAndReplaysAndForgeriesAreCountedAndDropped() {
        EmbeddedChannel sender = new EmbeddedChannel(new SignallingEncoder());
        WireCounters counters = new WireCounters();
        EmbeddedChannel receiver = new EmbeddedChannel(new SignallingDecoder(Samples.KEYS, counters));

        Message m = Samples.of(MessageType.KEEPALIVE);
        sender.writeOutbound(new Outbound(m, Samples.MAC_KEY, DC));
        DatagramPacket datagram = sender.readOutbound();
        assertEquals(DC, datagram.recipient());
        ByteBuf bytes = datagram.content();

        receiver.writeInbound(new DatagramPacket(bytes.retainedDuplicate(), DC, NODE));
        Inbound in = receiver.readInbound();
        assertEquals(m, in.message());
        assertEquals(NODE, in.sender());

        receiver.writeInbound(new DatagramPacket(bytes.retainedDuplicate(), DC, NODE));
        assertNull(receiver.readInbound(), "the same datagram again is a replay");
        assertEquals(1, counters.dropped(WireDecodeException.Reason.REPLAY));

        ByteBuf forged = bytes.copy();
        forged.setByte(forged.writerIndex() - 1, forged.getByte(forged.writerIndex() - 1) ^ 1);
        receiver.writeInbound(new DatagramPacket(forged, DC, NODE));
        receiver.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] { 1, 2, 3 }), DC, NODE));
        assertNull(receiver.readInbound());
        assertEquals(1, counters.dropped(WireDecodeException.Reason.BAD_MAC));
        assertEquals(1, counters.dropped(WireDecodeException.Reason.TRUNCATED));
        assertEquals(1, counters.accepted());

        Message next = m.toBuilder().sequence(8).build();
        sender.writeOutbound(new Outbound(next, Samples.MAC_KEY, DC));
        DatagramPacket second = sender.readOutbound();
        receiver.writeInbound(new DatagramPacket(second.content(), DC, NODE));
        assertEquals(next, ((Inbound) receiver.readInbound()).message(), "a good message still passes after the attacks");
        datagram.release();
    }

    @Test
    void aReplayFromAnotherAddressIsStillAReplay() {
        EmbeddedChannel sender = new EmbeddedChannel(new SignallingEncoder());
        WireCounters counters = new WireCounters();
        EmbeddedChannel receiver = new EmbeddedChannel(new SignallingDecoder(Samples.KEYS, counters));
        sender.writeOutbound(new Outbound(Samples.of(MessageType.KEEPALIVE), Samples.MAC_KEY, DC));
        DatagramPacket datagram = sender.readOutbound();
        receiver.writeInbound(new DatagramPacket(datagram.content().retainedDuplicate(), DC, NODE));
        InetSocketAddress moved = new InetSocketAddress(Samples.ip("203.0.113.99"), 1234);
        receiver.writeInbound(new DatagramPacket(datagram.content().retainedDuplicate(), DC, moved));
        assertEquals(NODE, ((Inbound) receiver.readInbound()).sender());
        assertNull(receiver.readInbound(), "the window is the key's, not the address's");
        assertEquals(1, counters.dropped(WireDecodeException.Reason.REPLAY));
        datagram.release();
    }

    @Test
    void dataPacketsPassThroughForTheDataPath() {
        EmbeddedChannel receiver = new EmbeddedChannel(new SignallingDecoder(Samples.KEYS, new WireCounters()));
        ByteBuf data = Unpooled.buffer();
        new PathCipher(Samples.SEALED, 9, true, 0).seal(Unpooled.wrappedBuffer(new byte[40]), data);
        DatagramPacket p = new DatagramPacket(data, DC, NODE);
        receiver.writeInbound(p);
        DatagramPacket out = receiver.readInbound();
        assertSame(p.content(), out.content());
        out.release();
    }
}
