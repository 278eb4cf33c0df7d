package org.ntmgate.dc.impl;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.Update;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS for the DC's own nodes (protocol.md 14): RFC 2136 updates signed with TSIG to the zone's primary server, off
 * the signalling path on a thread of its own. Per name only the latest wanted state is sent (a node that moves twice
 * quickly causes at most one stale update); a failed update is retried with a doubling delay up to
 * {@link #MAX_TRIES} times, then given up with an error in the log (the next registration tries again).
 */
final class ZoneUpdater implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ZoneUpdater.class);
    static final int MAX_TRIES = 5;

    private final Name zone;
    private final String zoneText;
    private final SimpleResolver server;
    private final long ttl;
    private final ScheduledExecutorService worker;
    /** Per node name: the address it should resolve to, or empty: no address. */
    private final ConcurrentHashMap<String, Optional<InetAddress>> wanted = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Optional<InetAddress>> published = new ConcurrentHashMap<>();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    ZoneUpdater(String zone, InetSocketAddress primary, TSIG key, Duration ttl, Duration timeout) throws TextParseException {
        this.zoneText = zone.toLowerCase(Locale.ROOT);
        this.zone = NameResolver.name(zoneText);
        this.server = new SimpleResolver(primary);
        this.server.setTSIGKey(key);
        this.server.setTimeout(timeout);
        this.ttl = ttl.toSeconds();
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ntmgate-dc-dns-update");
            t.setDaemon(true);
            return t;
        });
    }

    /** Whether {@code fqdn} lies in the zone (and so can be published). */
    boolean covers(String fqdn) {
        String f = fqdn.toLowerCase(Locale.ROOT);
        return f.equals(zoneText) || f.endsWith("." + zoneText);
    }

    /** The node {@code fqdn} now has real address {@code address}. */
    void publish(String fqdn, InetAddress address) {
        want(fqdn, Optional.of(address));
    }

    /** The node {@code fqdn} is gone. */
    void withdraw(String fqdn) {
        want(fqdn, Optional.empty());
    }

    private void want(String fqdn, Optional<InetAddress> address) {
        String f = fqdn.toLowerCase(Locale.ROOT);
        if (!covers(f)) {
            LOG.warn("Node {} is outside zone {}: its name is not published", f, zoneText);
            return;
        }
        if (address.equals(published.get(f)) && !wanted.containsKey(f)) {
            return;
        }
        if (wanted.put(f, address) == null) {
            worker.execute(() -> apply(f, 1));
        }
    }

    private void apply(String fqdn, int attempt) {
        Optional<InetAddress> target = wanted.get(fqdn);
        if (target == null) {
            return;
        }
        try {
            Name name = NameResolver.name(fqdn);
            Update u = new Update(zone);
            if (target.isPresent()) {
                InetAddress a = target.get();
                boolean v6 = a instanceof Inet6Address;
                u.replace(v6 ? new AAAARecord(name, DClass.IN, ttl, a) : new ARecord(name, DClass.IN, ttl, a));
                u.delete(name, v6 ? Type.A : Type.AAAA);
            } else {
                u.delete(name, Type.A);
                u.delete(name, Type.AAAA);
            }
            Message response = server.send(u);
            if (response.getRcode() != Rcode.NOERROR) {
                throw new IOException("the server answered " + Rcode.string(response.getRcode()));
            }
            sent.incrementAndGet();
            published.put(fqdn, target);
            wanted.remove(fqdn, target);
            LOG.info("DNS: {} {}", fqdn, target.map(a -> "now resolves to " + a.getHostAddress()).orElse("removed"));
            if (wanted.containsKey(fqdn)) {
                worker.execute(() -> apply(fqdn, 1)); // changed again meanwhile
            }
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            if (attempt >= MAX_TRIES) {
                wanted.remove(fqdn, target);
                LOG.error("DNS update of {} in zone {} failed {} times, given up: {}", fqdn, zoneText, attempt, e.getMessage());
                return;
            }
            long delay = 500L << (attempt - 1);
            LOG.warn("DNS update of {} in zone {} failed ({}); retrying in {} ms", fqdn, zoneText, e.getMessage(), delay);
            worker.schedule(() -> apply(fqdn, attempt + 1), delay, TimeUnit.MILLISECONDS);
        }
    }

    long sent() {
        return sent.get();
    }

    long failed() {
        return failed.get();
    }

    int pending() {
        return wanted.size();
    }

    String zone() {
        return zoneText;
    }

    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
