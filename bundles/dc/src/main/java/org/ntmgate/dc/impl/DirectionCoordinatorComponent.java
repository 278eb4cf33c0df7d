package org.ntmgate.dc.impl;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.account.AccountEvents;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.ntmgate.role.Threads;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Direction Coordinator role: present only when PID {@code org.ntmgate.dc} is configured. Registers nodes over
 * UDP, keeps the {@link NodeRegistry}, and keeps registrations (with their session keys) in
 * {@code registrations.bin} in its data area, so an update of this bundle loses none. Gogo: {@code dc:status}, {@code dc:nodes}, {@code dc:paths} (its {@code RoleViews}, served by the lifecycle bundle).
 */
@Component(service = { NodeRegistry.class, DirectionCoordinatorComponent.class, RoleStatus.class, EventHandler.class },
        configurationPid = DirectionCoordinatorComponent.PID, configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true,
        property = EventConstants.EVENT_TOPIC + "=" + AccountEvents.REVOKED)
@Designate(ocd = DcConfig.class)
public class DirectionCoordinatorComponent implements NodeRegistry, RunnerStatus<Coordinator>, EventHandler {
    static final String PID = "org.ntmgate.dc";
    private static final Logger LOG = LoggerFactory.getLogger(DirectionCoordinatorComponent.class);

    @Reference
    private VirtualAddressPools pools;
    /** Consulted on every relay pick; while absent, relaying is refused (a safe default). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile RelayPolicy relayPolicy;

    private RegistrationStore store;
    private byte[] pathSecret;
    private final RoleRunner<DcSettings, Coordinator> runner = new RoleRunner<>(LOG, GatewayRoles.DC, "serving", s -> "on udp " + s.bind());
    private ScheduledExecutorService timer;
    /** protocol.md 4.7: revoked node ids and until when their older tickets are refused; kept across reconfigurations. */
    private final java.util.concurrent.ConcurrentHashMap<Long, Long> revoked = new java.util.concurrent.ConcurrentHashMap<>();

    @Activate
    void activate(BundleContext context, DcConfig config) {
        File f = context.getDataFile("registrations.bin");
        store = f == null ? null : new RegistrationStore(f.toPath().toAbsolutePath());
        File secret = context.getDataFile("path-secret");
        pathSecret = PathSecret.load(secret == null ? null : secret.toPath());
        timer = Threads.timer("ntmgate-dc-expiry");
        timer.scheduleWithFixedDelay(this::expire, 1, 1, TimeUnit.SECONDS);
        timer.scheduleWithFixedDelay(this::writeIfChanged, 1, 1, TimeUnit.SECONDS);
        configure(config);
    }

    @Modified
    synchronized void configure(DcConfig config) {
        Coordinator previous = runner.engine();
        List<Registration> carried = previous != null ? previous.registrations() : restore();
        runner.configure(config, DcSettings::from, settings -> {
            Coordinator next = new Coordinator(pools, settings, System::currentTimeMillis, () -> changed.set(true), () -> relayPolicy, pathSecret, revoked);
            next.restore(carried);
            return next;
        }, (settings, next) -> LOG.info("Direction Coordinator serving on udp {} with {} registered nodes; zone {}{}, {} relay(s), {} peer DC(s), DNS resolver {}",
                next.start(), carried.size(), settings.zone() == null ? "none" : settings.zone(),
                settings.tsig() == null ? "" : " (updates to " + settings.dnsUpdateServer() + ")", settings.relays().size(), settings.peers().size(),
                settings.dnsResolver()));
    }

    /** protocol.md 4.7: the Account Server of this gateway revoked an account. */
    @Override
    public void handleEvent(Event event) {
        Object id = event.getProperty(AccountEvents.NODE_ID);
        Object until = event.getProperty(AccountEvents.UNTIL);
        if (id instanceof Long nodeId && until instanceof Long u) {
            revoked.merge(nodeId, u, Math::max);
            Coordinator c = runner.engine();
            if (c != null) {
                c.revoke(nodeId, String.valueOf(event.getProperty(AccountEvents.FQDN)));
            }
        }
    }

    private List<Registration> restore() {
        if (store == null) {
            return List.of();
        }
        try {
            List<Registration> r = store.read();
            long now = System.currentTimeMillis();
            return r.stream().filter(x -> x.ticketExpiryMillis() > now).collect(Collectors.toList());
        } catch (IOException e) {
            LOG.error("Registration file {} is unreadable ({}); starting without registrations", store.file(), e.getMessage());
            return List.of();
        }
    }

    /** Registrations changed since they were last written (one write a second at most, not one per registration). */
    private final java.util.concurrent.atomic.AtomicBoolean changed = new java.util.concurrent.atomic.AtomicBoolean();

    private void writeIfChanged() {
        Coordinator c = runner.engine();
        if (c != null && changed.getAndSet(false)) {
            persist(c.registrations());
        }
    }

    private void persist(List<Registration> all) {
        if (store == null) {
            return;
        }
        try {
            store.write(all);
        } catch (IOException e) {
            LOG.error("Could not write registration file {}: {}", store.file(), e.toString());
        }
    }

    private void expire() {
        Coordinator c = runner.engine();
        if (c != null) {
            try {
                c.expire();
            } catch (RuntimeException e) {
                LOG.error("Registration expiry failed; it runs again in 1 s", e);
            }
        }
    }

    @Deactivate
    synchronized void deactivate() {
        Threads.stop(timer, 5000);
        Coordinator c = runner.engine();
        if (c != null) {
            persist(c.registrations());
        }
        runner.stop();
    }

    private Optional<Coordinator> current() {
        return Optional.ofNullable(runner.engine());
    }

    @Override
    public Optional<NodeRecord> byId(long nodeId) {
        return current().flatMap(c -> c.registry().byId(nodeId));
    }

    @Override
    public Optional<NodeRecord> byFqdn(String fqdn) {
        return current().flatMap(c -> c.registry().byFqdn(fqdn));
    }

    @Override
    public Optional<NodeRecord> byVirtualAddress(InetAddress address) {
        return current().flatMap(c -> c.registry().byVirtualAddress(address));
    }

    @Override
    public Collection<NodeRecord> nodes() {
        return current().map(c -> c.registry().nodes()).orElse(List.of());
    }

    @Override
    public int size() {
        return current().map(c -> c.registry().size()).orElse(0);
    }

    /** dc:nodes and dc:paths. */
    @Override
    public String view(String name) {
        return switch (name) {
            case "nodes" -> nodesText();
            case "paths" -> pathsText();
            default -> null;
        };
    }

    /** The registered nodes, a line each. */
    private String nodesText() {
        Instant now = Instant.now();
        return nodes().stream().map(n -> String.format("%016x %-32s %-16s %-28s %s seen %s, last contact %d s ago", n.nodeId(), n.fqdn(),
                n.virtualV4().getHostAddress(), n.virtualV6().getHostAddress(), n.behindNat() ? "NAT" : "direct", n.realSeen(),
                now.getEpochSecond() - n.lastContact().getEpochSecond()))
                .collect(Collectors.joining("\n", "", "\n" + size() + " nodes"));
    }

    @Override
    public RoleRunner<DcSettings, Coordinator> runner() {
        return runner;
    }


    /** The paths directed since the DC started, a line each. */
    private String pathsText() {
        Coordinator c = runner.engine();
        if (c == null) {
            return "not serving";
        }
        Instant now = Instant.now();
        return c.directions().paths().stream().map(p -> String.format("%016x %s -> %s: %s, %d s ago", p.pathId(), p.from(), p.to(), p.how(),
                (now.toEpochMilli() - p.createdMillis()) / 1000)).collect(Collectors.joining("\n", "", "\n" + c.directions().paths().size() + " paths"));
    }
}
