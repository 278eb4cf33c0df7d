package org.ntmgate.pool.impl;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationEvents;
import org.ntmgate.api.config.ConfigurationValidator;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.health.HealthProblems;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.EventAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link VirtualAddressPools} service over every configured pool. Leases live in the journal
 * {@code leases.journal} in this bundle's data area ({@link LeaseStore}), a record per change, forced to disk every
 * second; they are read back at start before any pool is defined, so a pool configured again after a restart finds
 * its leases.
 */
@Component(service = { VirtualAddressPools.class, PoolRegistrar.class, ConfigurationValidator.class, HealthProblems.class }, immediate = true,
        property = ConfigurationValidator.PIDS + "=" + PoolSettings.FACTORY_PID)
public class PoolsComponent implements VirtualAddressPools, PoolRegistrar, ConfigurationValidator, HealthProblems {
    private static final Logger LOG = LoggerFactory.getLogger(PoolsComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private PoolBook book;
    private LeaseStore store;
    private ScheduledExecutorService sweeper;
    /** Pool configurations (by name) whose definition was refused: configured, but handing out nothing. */
    private final java.util.Map<String, String> refused = new java.util.concurrent.ConcurrentHashMap<>();
    /** Pool name -> the PID of the factory configuration that defines it. */
    private final java.util.Map<String, String> pidsByName = new java.util.concurrent.ConcurrentHashMap<>();

    @Activate
    void activate(BundleContext context) {
        File data = context.getDataFile("leases.journal");
        open(data == null ? null : data.toPath().toAbsolutePath());
    }

    /** Opens the lease journal (null: none, leases do not survive a restart) and starts the expiry and sync timers. */
    void open(Path journal) {
        store = journal == null ? null : new LeaseStore(journal);
        book = new PoolBook(System::currentTimeMillis, new PoolBook.LeaseSink() {
            @Override
            public void put(Lease l, Collection<Lease> live) {
                persist(() -> store.put(l, live));
            }

            @Override
            public void renewed(Lease l, Collection<Lease> live) {
                if (store != null) {
                    store.renewed(l);
                }
            }

            @Override
            public void removed(Lease l, Collection<Lease> live) {
                persist(() -> store.removed(l, live));
            }
        });
        if (store == null) {
            LOG.warn("The framework gives this bundle no data area: leases will not survive a restart");
        } else {
            restore();
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ntmgate-pool-expiry");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::expire, 5, 5, TimeUnit.SECONDS);
        sweeper.scheduleWithFixedDelay(this::sync, 1, 1, TimeUnit.SECONDS);
    }

    @Deactivate
    void deactivate() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (store != null) {
            synchronized (book) {
                try {
                    store.close();
                } catch (IOException e) {
                    LOG.error("Could not close lease journal {}: {}", store.file(), e.toString());
                }
            }
        }
    }

    /** A pool defined without ConfigAdmin (tools and benchmarks that run the pool code outside a framework). */
    void define(PoolSettings s) {
        book.define(s);
    }

    /** Group commit: forces the records of the last second to disk. */
    private void sync() {
        if (store == null) {
            return;
        }
        synchronized (book) {
            try {
                store.sync();
            } catch (IOException e) {
                LOG.error("Could not force lease journal {} to disk: {}", store.file(), e.toString());
            }
        }
    }

    private void restore() {
        try {
            List<Lease> leases = store.open();
            book.restore(leases);
            LOG.info("Restored {} leases from {}", leases.size(), store.file());
            if (store.damage() != null) {
                LOG.warn("Lease journal {}: {}; the leases before it are kept", store.file(), store.damage());
            }
        } catch (LeaseStore.CorruptLeasesException e) {
            try {
                LOG.error("Lease file {} is corrupt ({}); moved it to {} and started without leases", store.file(),
                        e.getMessage(), store.setAside(System.currentTimeMillis()));
                store.open();
            } catch (IOException | LeaseStore.CorruptLeasesException io) {
                LOG.error("Lease file {} is corrupt ({}) and could not be moved aside: {}; leases will not be kept", store.file(),
                        e.getMessage(), io.toString());
                store = null;
            }
        } catch (IOException e) {
            LOG.error("Could not read lease file {}: {}; starting without leases, and not keeping them", store.file(), e.toString());
            store = null;
        }
    }

    private interface Write {
        void run() throws IOException;
    }

    private void persist(Write w) {
        if (store == null) {
            return;
        }
        try {
            w.run();
        } catch (IOException e) {
            LOG.error("Could not write lease file {}: {}", store.file(), e.toString());
            throw new UncheckedIOException("lease file not written; the allocation is not durable", e);
        }
    }

    private void expire() {
        try {
            for (Lease l : book.expire()) {
                LOG.info("Lease of {} in pool '{}' to {} expired", l.address().getHostAddress(), l.pool(), l.owner());
            }
        } catch (RuntimeException e) {
            LOG.error("Lease expiry failed; it runs again in 5 s", e);
        }
    }

    /**
     * A pool's factory configuration as it would be stored: its fields, its name unused by another configuration,
     * no overlap with another pool, no live lease stranded.
     */
    @Override
    public void validate(String pid, String factoryPid, java.util.Map<String, Object> properties) {
        PoolSettings s = PoolSettings.from(ConfigChecks.typed(PoolSettings.FACTORY_PID, properties, PoolConfig.class));
        String owner = pidsByName.get(s.name());
        if (owner != null && pid != null && !owner.equals(pid)) {
            throw new InvalidConfigurationException(s.pid(), "name", "is already the name of another pool configuration (" + owner + ")");
        }
        book.check(s);
    }

    /** Pools that are configured but not defined (their configuration was refused when it was applied). */
    @Override
    public List<String> problems() {
        return refused.entrySet().stream().map(e -> "pool '" + e.getKey() + "' is configured but hands out no address: " + e.getValue())
                .sorted().toList();
    }

    @Override
    public void withdrawn(String name) {
        refused.remove(name);
    }

    @Override
    public void defined(String pid, String name) {
        pidsByName.values().remove(pid);
        pidsByName.put(name, pid);
    }

    @Override
    public boolean define(PoolConfig config) {
        try {
            PoolSettings s = PoolSettings.from(config);
            book.define(s);
            refused.remove(s.name());
            LOG.info("Pool '{}': {} for {} addresses, leases of {} s", s.name(), s.prefix(), s.purpose(), s.leaseTime().toSeconds());
            return true;
        } catch (InvalidConfigurationException e) {
            refused.put(config.name() == null ? "" : config.name().trim(), e.getMessage());
            LOG.error("Configuration refused: {}", e.getMessage());
            ConfigurationEvents.post(eventAdmin, e);
            return false;
        }
    }

    @Override
    public void undefine(String name) {
        book.undefine(name);
        pidsByName.remove(name);
        refused.remove(name);
        LOG.info("Pool '{}' no longer hands out addresses; its leases are kept until they expire", name);
    }

    @Override
    public Lease allocate(AddressFamily family, PoolPurpose purpose, String owner) throws PoolException {
        return book.allocate(family, purpose, owner);
    }

    @Override
    public Lease allocate(String pool, String owner) throws PoolException {
        return book.allocate(pool, owner);
    }

    @Override
    public Lease renew(InetAddress address, String owner) throws PoolException {
        return book.renew(address, owner);
    }

    @Override
    public boolean release(InetAddress address, String owner) {
        return book.release(address, owner);
    }

    @Override
    public Optional<Lease> leaseOf(InetAddress address) {
        return book.leaseOf(address);
    }

    @Override
    public List<Lease> leasesOf(String owner) {
        return book.leases().stream().filter(l -> l.owner().equals(owner)).toList();
    }

    @Override
    public List<Lease> leases() {
        return book.leases();
    }

    @Override
    public List<PoolInfo> pools() {
        return book.pools();
    }
}
