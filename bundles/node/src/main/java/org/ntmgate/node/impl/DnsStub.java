package org.ntmgate.node.impl;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.ntmgate.wire.ErrorCode;
import org.ntmgate.wire.ErrorCodeFailure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * The node's DNS stub (protocol.md 11): AAAA queries become directions and are answered with the peer's virtual
 * address once the tunnel is up; A queries (the IPv4 service on) too, with a virtual IPv4 address of the pool, for
 * names the upstream gives no IPv4 address (11.2.1); every other query goes to the upstream resolver unchanged and
 * its answer comes back unchanged. Work is bounded: a fixed pool and queue; a query that does not fit is answered SERVFAIL.
 */
final class DnsStub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DnsStub.class);
    static final long TTL = 60;
    private final NtmNode node;
    private final NodeSettings settings;
    private final DatagramSocket socket;
    private final ExecutorService workers = new ThreadPoolExecutor(8, 8, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(256), r -> {
        Thread t = new Thread(r, "ntmgate-node-dns");
        t.setDaemon(true);
        return t;
    });
    private final LongAdder viaNtm = new LongAdder();
    private final LongAdder forwarded = new LongAdder();
    private final LongAdder viaFallback = new LongAdder();
    private final LongAdder failed = new LongAdder();
    /** From a query's arrival to its answer's sending, whatever answered it (the node, the upstream, the fallback). */
    private final org.ntmgate.wire.LatencyRecorder latency = new org.ntmgate.wire.LatencyRecorder();
    private final Thread reader;
    private volatile boolean running = true;

    DnsStub(NtmNode node, NodeSettings settings) throws IOException {
        this.node = node;
        this.settings = settings;
        socket = new DatagramSocket(settings.dnsListen());
        reader = new Thread(this::serve, "ntmgate-node-dns-stub");
        reader.setDaemon(true);
        reader.start();
        LOG.info("NTM node DNS stub on udp {} (upstream {})", socket.getLocalSocketAddress(), settings.upstreamDns());
    }

    private void serve() {
        byte[] buf = new byte[4096];
        while (running) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
            } catch (IOException e) {
                if (running) {
                    LOG.error("DNS stub: receive failed: {}", e.toString());
                }
                continue;
            }
            byte[] query = Arrays.copyOf(p.getData(), p.getLength());
            InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
            try {
                long received = System.nanoTime();
                workers.execute(() -> {
                    answer(query, from);
                    latency.record(System.nanoTime() - received); // every path answers before answer() returns
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reply(servfail(query), from);
            }
        }
    }

    private void answer(byte[] query, InetSocketAddress from) {
        Message q;
        try {
            q = new Message(query);
        } catch (IOException e) {
            forward(query, from); // not ours to judge: the upstream answers what it makes of it
            return;
        }
        Record question = q.getQuestion();
        boolean a = question != null && question.getType() == Type.A && settings.ipv4();
        if (question == null || question.getType() != Type.AAAA && !a || question.getDClass() != DClass.IN || q.getHeader().getOpcode() != 0) {
            forward(query, from);
            return;
        }
        String name = question.getName().toString(true).toLowerCase(Locale.ROOT);
        if (settings.direct(name)) {
            forward(query, from);
            return;
        }
        if (node.useFallback()) {
            viaFallback.increment(); // 11.5: the real addresses, routed by the fallback while the DC cannot be reached
            forward(query, from);
            return;
        }
        byte[] upstream = null;
        if (a) {
            upstream = upstream(query); // 11.2.1: a name with an IPv4 address is reached natively
            if (upstream != null && nativeAnswer(upstream)) {
                forwarded.increment();
                reply(upstream, from);
                return;
            }
        }
        viaNtm.increment();
        Message r = new Message(q.getHeader().getID());
        r.getHeader().setFlag(Flags.QR);
        r.getHeader().setFlag(Flags.RA);
        if (q.getHeader().getFlag(Flags.RD)) {
            r.getHeader().setFlag(Flags.RD);
        }
        r.addRecord(question, Section.QUESTION);
        try {
            NodePath path = node.pathTo(name).get(30, TimeUnit.SECONDS);
            long ttl = Math.max(1, Math.min(TTL, (path.expiresMillis - System.currentTimeMillis()) / 1000));
            if (a) {
                java.net.InetAddress v4 = node.ipv4For(path);
                if (v4 == null) { // the IPv4 service has not started (no VIRTUAL_V4 leased): what the upstream said
                    reply(upstream != null ? upstream : servfail(query), from);
                    return;
                }
                r.addRecord(new ARecord(question.getName(), DClass.IN, ttl, v4), Section.ANSWER);
            } else {
                r.addRecord(new AAAARecord(question.getName(), DClass.IN, ttl, path.peer()), Section.ANSWER);
            }
        } catch (java.util.concurrent.ExecutionException | CompletionException e) {
            Throwable c = e.getCause() instanceof CompletionException ? e.getCause().getCause() : e.getCause();
            int code = c instanceof ErrorCodeFailure f ? f.code() : 0;
            if (a && (code == ErrorCode.NO_SUCH_NAME || code == ErrorCode.NO_USABLE_FAMILY)) {
                reply(upstream != null ? upstream : servfail(query), from); // not NTMobile's: what the upstream said
                return;
            }
            if (code == ErrorCode.NO_SUCH_NAME) {
                r.getHeader().setRcode(Rcode.NXDOMAIN);
            } else if (code != ErrorCode.NO_USABLE_FAMILY) {
                failed.increment();
                r.getHeader().setRcode(Rcode.SERVFAIL);
                LOG.warn("DNS stub: no tunnel to {}: {}", name, c == null ? e.toString() : c.getMessage());
            }
        } catch (RuntimeException e) { // 11.6.1: no address of the IPv4 pool to give
            failed.increment();
            r.getHeader().setRcode(Rcode.SERVFAIL);
            LOG.warn("DNS stub: no virtual IPv4 address for {}: {}", name, e.getMessage());
        } catch (java.util.concurrent.TimeoutException e) {
            failed.increment();
            r.getHeader().setRcode(Rcode.SERVFAIL);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        reply(r.toWire(), from);
    }

    /** 11.2.1: an upstream answer to an A query that stands: an A record in it, or an error other than NXDOMAIN. */
    private static boolean nativeAnswer(byte[] answer) {
        try {
            Message m = new Message(answer);
            int rcode = m.getRcode();
            if (rcode != Rcode.NOERROR) {
                return rcode != Rcode.NXDOMAIN;
            }
            return m.getSection(Section.ANSWER).stream().anyMatch(rr -> rr.getType() == Type.A);
        } catch (IOException e) {
            return true; // not for this stub to judge
        }
    }

    /** 11.2: byte for byte to the upstream resolver and back. */
    private void forward(byte[] query, InetSocketAddress from) {
        forwarded.increment();
        byte[] answer = upstream(query);
        if (answer == null) {
            failed.increment();
        }
        reply(answer == null ? servfail(query) : answer, from);
    }

    /** The upstream resolver's answer to {@code query}, or null (none within 3 s, or it failed: logged). */
    private byte[] upstream(byte[] query) {
        try (DatagramSocket up = new DatagramSocket()) {
            up.setSoTimeout(3000);
            up.send(new DatagramPacket(query, query.length, settings.upstreamDns()));
            byte[] buf = new byte[65_535];
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            up.receive(p);
            return Arrays.copyOf(buf, p.getLength());
        } catch (SocketTimeoutException e) {
            return null;
        } catch (IOException e) {
            LOG.warn("DNS stub: upstream {} failed: {}", settings.upstreamDns(), e.toString());
            return null;
        }
    }

    private static byte[] servfail(byte[] query) {
        if (query.length < 12) {
            return new byte[0];
        }
        try {
            Message q = new Message(query);
            Message r = new Message(q.getHeader().getID());
            r.getHeader().setFlag(Flags.QR);
            r.getHeader().setRcode(Rcode.SERVFAIL);
            if (q.getQuestion() != null) {
                r.addRecord(q.getQuestion(), Section.QUESTION);
            }
            return r.toWire();
        } catch (IOException e) {
            return new byte[0];
        }
    }

    private void reply(byte[] answer, InetSocketAddress to) {
        if (answer.length == 0) {
            return;
        }
        try {
            socket.send(new DatagramPacket(answer, answer.length, to));
        } catch (IOException e) {
            LOG.debug("DNS stub: answer to {} not sent: {}", to, e.toString());
        }
    }

    org.ntmgate.api.health.LatencyHistogram latency() {
        return latency.snapshot();
    }

    String status() {
        return "DNS stub on udp " + socket.getLocalSocketAddress() + ": " + viaNtm.sum() + " via NTMobile, " + viaFallback.sum() + " via the fallback, " + forwarded.sum() + " forwarded, "
                + failed.sum() + " failed";
    }

    @Override
    public void close() {
        running = false;
        socket.close();
        workers.shutdownNow();
        try {
            reader.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
