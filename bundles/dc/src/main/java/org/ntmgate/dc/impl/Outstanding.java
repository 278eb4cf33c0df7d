package org.ntmgate.dc.impl;

import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import org.ntmgate.wire.Message;

/**
 * Requests the DC sends (RELAY_DIRECTION, ROUTE_DIRECTION, PEER_QUERY) and their retransmission (protocol.md 8.1):
 * the same datagram again after the timeout, which doubles up to its maximum, until an answer with the request's
 * key id and transaction id arrives or the tries are used up; then the request fails with a
 * {@link TimeoutException}. Timers run on the channel's event loop.
 */
final class Outstanding {
    private record Key(int keyId, int transactionId) {
    }

    private final class Pending {
        final Key key;
        final byte[] datagram;
        final InetSocketAddress to;
        final CompletableFuture<Message> result = new CompletableFuture<>();
        int sent;
        long rtoMillis;
        ScheduledFuture<?> timer;

        Pending(Key key, byte[] datagram, InetSocketAddress to) {
            this.key = key;
            this.datagram = datagram;
            this.to = to;
            this.rtoMillis = timers.initialRto().toMillis();
        }

        void send() {
            sent++;
            channel.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(datagram), to), channel.voidPromise());
            timer = channel.eventLoop().schedule(this::expire, rtoMillis, TimeUnit.MILLISECONDS);
            rtoMillis = Math.min(rtoMillis * 2, timers.maxRto().toMillis());
        }

        void expire() {
            if (result.isDone()) {
                return;
            }
            if (sent >= timers.tries()) {
                if (pending.remove(key, this)) {
                    result.completeExceptionally(new TimeoutException("no answer from " + to + " after " + sent + " tries"));
                }
                return;
            }
            send();
        }
    }

    private final Channel channel;
    private final DcSettings.Timers timers;
    private final ConcurrentHashMap<Key, Pending> pending = new ConcurrentHashMap<>();

    Outstanding(Channel channel, DcSettings.Timers timers) {
        this.channel = channel;
        this.timers = timers;
    }

    /** Sends {@code datagram} (a request with this key id and transaction id) and retransmits it until answered. */
    CompletableFuture<Message> request(byte[] datagram, InetSocketAddress to, int keyId, int transactionId) {
        Pending p = new Pending(new Key(keyId, transactionId), datagram, to);
        if (pending.putIfAbsent(p.key, p) != null) {
            p.result.completeExceptionally(new IllegalStateException("transaction id " + transactionId + " is already in use"));
            return p.result;
        }
        channel.eventLoop().execute(p::send);
        return p.result;
    }

    /** Completes the request {@code answer} answers (same key id, transaction id); false if none waits for it. */
    boolean answer(Message answer) {
        Pending p = pending.remove(new Key(answer.keyId(), answer.transactionId()));
        if (p == null) {
            return false;
        }
        if (p.timer != null) {
            p.timer.cancel(false);
        }
        return p.result.complete(answer);
    }

    int size() {
        return pending.size();
    }

    /** Fails every request still waiting (the DC is stopping). */
    void close() {
        for (Pending p : pending.values()) {
            if (p.timer != null) {
                p.timer.cancel(false);
            }
            p.result.completeExceptionally(new IllegalStateException("the DC stopped"));
        }
        pending.clear();
    }
}
