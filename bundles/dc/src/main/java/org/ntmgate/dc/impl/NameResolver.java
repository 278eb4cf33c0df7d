package org.ntmgate.dc.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

import org.ntmgate.api.net.AddressFamily;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;

/**
 * The DC's DNS (dnsjava's {@link LookupSession} with its cache, asynchronous so that no signalling thread waits):
 * addresses of general nodes (protocol.md 7.4 step 3), answered as an outcome the DC turns into an error code
 * (NO_SUCH_NAME, NO_USABLE_FAMILY, NO_ANSWER); and the DC of a name's zone through {@code SRV _ntm-dc._udp}
 * (protocol.md 1.5), cached per zone candidate, answers for their TTL and failures for {@link #NEGATIVE_TTL}.
 */
final class NameResolver {
    static final Duration NEGATIVE_TTL = Duration.ofSeconds(30);
    /** Zone candidates remembered at most; past it, expired ones are dropped (names are chosen by nodes). */
    static final int MAX_CACHED_ZONES = 10_000;
    static final String DC_SERVICE = "_ntm-dc._udp";

    enum Outcome {
        ADDRESSES, NO_SUCH_NAME, NO_USABLE_FAMILY, NO_ANSWER
    }

    record Result(Outcome outcome, List<InetAddress> addresses, String detail) {
    }

    /** A DC found through SRV: the zone the record is at and where the DC listens. */
    record Dc(String zone, InetSocketAddress address) {
    }

    private record Found(Optional<Dc> dc, long expiresMillis) {
    }

    private final LookupSession session;
    private final Executor executor;
    private final LongSupplier clock;
    private final ConcurrentHashMap<String, Found> dcs = new ConcurrentHashMap<>();

    NameResolver(InetSocketAddress server, Duration timeout, Executor executor, LongSupplier clock) {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setTimeout(timeout);
        Cache cache = new Cache(DClass.IN);
        cache.setMaxEntries(100_000);
        this.session = LookupSession.builder().resolver(resolver).cache(cache).clearSearchPath().ndots(0).executor(executor).build();
        this.executor = executor;
        this.clock = clock;
    }

    NameResolver(InetSocketAddress server, Duration timeout) {
        this(server, timeout, Runnable::run, System::currentTimeMillis);
    }

    static Name name(String fqdn) throws TextParseException {
        return Name.fromString(fqdn.endsWith(".") ? fqdn : fqdn + ".");
    }

    /** The name's addresses of {@code family}, never failing: failures are outcomes. */
    CompletionStage<Result> resolve(String fqdn, AddressFamily family) {
        Name name;
        try {
            name = name(fqdn);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(new Result(Outcome.NO_SUCH_NAME, List.of(), "'" + fqdn + "' is not a DNS name"));
        }
        int type = family == AddressFamily.IPV6 ? Type.AAAA : Type.A;
        String rr = type == Type.AAAA ? "AAAA" : "A";
        return session.lookupAsync(name, type).handleAsync((result, failure) -> {
            if (failure != null) {
                Throwable t = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                if (t instanceof NoSuchDomainException) {
                    return new Result(Outcome.NO_SUCH_NAME, List.of(), fqdn + " does not exist");
                }
                if (t instanceof NoSuchRRSetException) {
                    return new Result(Outcome.NO_USABLE_FAMILY, List.of(), fqdn + " has no " + rr + " record");
                }
                return new Result(Outcome.NO_ANSWER, List.of(), "no answer for " + fqdn + " " + rr + ": " + t);
            }
            List<InetAddress> addresses = new ArrayList<>();
            for (Record r : result.getRecords()) {
                if (r instanceof AAAARecord aaaa) {
                    addresses.add(aaaa.getAddress());
                } else if (r instanceof ARecord a) {
                    addresses.add(a.getAddress());
                }
            }
            if (addresses.isEmpty()) {
                return new Result(Outcome.NO_USABLE_FAMILY, List.of(), fqdn + " has no " + rr + " record");
            }
            return new Result(Outcome.ADDRESSES, List.copyOf(addresses), fqdn + ": " + addresses.size() + " address(es)");
        }, executor);
    }

    /**
     * The DC of {@code fqdn}'s NTMobile zone (protocol.md 1.5): the nearest enclosing name below which an SRV
     * {@code _ntm-dc._udp} record exists, tried from the parent down to names of two labels. Empty when none.
     * Completes on the executor (the DC's event loop), at once when every candidate is cached.
     */
    CompletionStage<Optional<Dc>> findDc(String fqdn) {
        List<String> candidates = parents(fqdn.toLowerCase(Locale.ROOT));
        CompletableFuture<Optional<Dc>> found = findDc(candidates, 0).toCompletableFuture();
        return found.isDone() ? found : found.thenApplyAsync(x -> x, executor);
    }

    private CompletionStage<Optional<Dc>> findDc(List<String> candidates, int i) {
        if (i >= candidates.size()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return dcAt(candidates.get(i)).thenCompose(dc -> dc.isPresent() ? CompletableFuture.completedFuture(dc) : findDc(candidates, i + 1));
    }

    /** The names above {@code fqdn} with at least two labels, nearest first. */
    static List<String> parents(String fqdn) {
        String f = fqdn.endsWith(".") ? fqdn.substring(0, fqdn.length() - 1) : fqdn;
        List<String> out = new ArrayList<>();
        int dot = f.indexOf('.');
        while (dot >= 0) {
            String parent = f.substring(dot + 1);
            if (parent.indexOf('.') < 0) {
                break;
            }
            out.add(parent);
            dot = f.indexOf('.', dot + 1);
        }
        return out;
    }

    private void remember(String zone, Found found) {
        if (dcs.size() >= MAX_CACHED_ZONES) {
            long now = clock.getAsLong();
            dcs.values().removeIf(f -> f.expiresMillis() <= now);
            if (dcs.size() >= MAX_CACHED_ZONES) {
                dcs.clear(); // all live: start over rather than grow without bound
            }
        }
        dcs.put(zone, found);
    }

    int cachedZones() {
        return dcs.size();
    }

    private CompletionStage<Optional<Dc>> dcAt(String zone) {
        long now = clock.getAsLong();
        Found cached = dcs.get(zone);
        if (cached != null && cached.expiresMillis() > now) {
            return CompletableFuture.completedFuture(cached.dc());
        }
        Name srvName;
        try {
            srvName = name(DC_SERVICE + "." + zone);
        } catch (TextParseException e) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return session.lookupAsync(srvName, Type.SRV).thenCompose(result -> {
            Optional<SRVRecord> best = result.getRecords().stream().filter(SRVRecord.class::isInstance).map(SRVRecord.class::cast)
                    .min(Comparator.comparingInt(SRVRecord::getPriority));
            if (best.isEmpty()) {
                return CompletableFuture.<Optional<Dc>>completedFuture(Optional.empty());
            }
            SRVRecord srv = best.get();
            return targetAddress(srv.getTarget()).thenApply(a -> {
                Optional<Dc> dc = Optional.of(new Dc(zone, new InetSocketAddress(a, srv.getPort())));
                remember(zone, new Found(dc, clock.getAsLong() + Math.max(1, srv.getTTL()) * 1000));
                return dc;
            });
        }).exceptionally(failure -> {
            remember(zone, new Found(Optional.empty(), clock.getAsLong() + NEGATIVE_TTL.toMillis()));
            return Optional.empty();
        });
    }

    private CompletionStage<InetAddress> targetAddress(Name target) {
        return session.lookupAsync(target, Type.A).thenApply(r -> ((ARecord) r.getRecords().get(0)).getAddress())
                .exceptionallyCompose(e -> session.lookupAsync(target, Type.AAAA).thenApply(r -> ((AAAARecord) r.getRecords().get(0)).getAddress()));
    }
}
