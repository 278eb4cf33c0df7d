package org.ntmgate.pool.impl;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.ConfigurationRecords;
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

    private PoolBook book;
    private LeaseStore store;
    private ScheduledExecutorService sweeper;
    /** Configuration PID -> the name of the pool it defines. */
    private final Map<String, String> definedBy = new HashMap<>();
    /** Configuration PID -> its refused definition: configured, but handing out nothing. */
    private final Map<String, Refused> refusedBy = new HashMap<>();

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationRecords records;

    @Activate
    void activate(BundleContext context) {
        File data = context.getDataFile("leases.journal");
        open(data == null ? null : data.toPath().toAbsolutePath());
    }

    /** Opens the lease journal (null: none, leases do not survive a restart) and starts the expiry and sync timers. */
    void open(Path journal) {
        store = journal == null ? null : new LeaseStore(journal);
        book = new PoolBook(System::currentTimeMillis, store == null ? PoolBook.LeaseSink.NONE : store.sink());
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
        onJournal("close", LeaseStore::close);
    }

    /** Group commit: forces the records of the last second to disk. */
    private void sync() {
        onJournal("force to disk", LeaseStore::sync);
    }

    private interface JournalStep {
        void apply(LeaseStore store) throws IOException;
    }

    /** {@code step} on the lease journal, if there is one, under the book's lock; a failure is logged as "Could not {@code what} ...". */
    private void onJournal(String what, JournalStep step) {
        if (store == null) {
            return;
        }
        synchronized (book) {
            try {
                step.apply(store);
            } catch (IOException e) {
                LOG.error("Could not {} lease journal {}: {}", what, store.file(), e.toString());
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
     * no overlap with another pool that is accepted (an accepted configuration has the right of way: at a restart a
     * refused file applied first must not push out the pool it overlaps), no live lease stranded.
     */
    @Override
    public void validate(String pid, String factoryPid, Map<String, Object> properties) {
        PoolSettings s = PoolSettings.from(ConfigChecks.typed(PoolSettings.FACTORY_PID, properties, PoolConfig.class));
        synchronized (this) {
            checkAgainstOthers(pid, s);
        }
        book.checkLeases(s);
        for (LocalNetworks.Network n : LocalNetworks.now(a -> book.leaseOf(a).isPresent())) {
            if (n.prefix().overlaps(s.prefix())) {
                throw new InvalidConfigurationException(s.pid(), "prefix", s.prefix() + " overlaps " + n
                        + ", a network this gateway is on: its addresses would collide with hosts there");
            }
        }
    }

    /** Refuses a name or prefix that another configuration holds: accepted ones, or (no gate) the pools defined. */
    private void checkAgainstOthers(String pid, PoolSettings s) {
        definedBy.forEach((otherPid, name) -> {
            if (name.equals(s.name()) && !otherPid.equals(pid)) {
                throw new InvalidConfigurationException(s.pid(), "name", "is already the name of another pool configuration (" + otherPid + ")");
            }
        });
        ConfigurationRecords r = records;
        if (r == null) {
            book.checkOverlaps(s);
            return;
        }
        for (Map.Entry<String, Map<String, Object>> e : r.accepted(PoolSettings.FACTORY_PID).entrySet()) {
            if (e.getKey().equals(pid)) {
                continue;
            }
            PoolSettings other;
            try {
                other = PoolSettings.from(ConfigChecks.typed(PoolSettings.FACTORY_PID, e.getValue(), PoolConfig.class));
            } catch (InvalidConfigurationException bad) {
                continue;
            }
            if (other.name().equals(s.name())) {
                throw new InvalidConfigurationException(s.pid(), "name", "is already the name of another pool configuration (" + e.getKey() + ")");
            }
            if (other.prefix().overlaps(s.prefix())) {
                throw new InvalidConfigurationException(s.pid(), "prefix", s.prefix() + " overlaps pool '" + other.name() + "' (" + other.prefix() + ")");
            }
        }
    }

    /** Pools that are configured but not defined (their configuration was refused when it was applied). */
    @Override
    public synchronized List<String> problems() {
        return refusedBy.entrySet().stream()
                .map(e -> "pool configuration " + e.getKey() + " hands out no address: " + e.getValue().message()).sorted().toList();
    }

    @Override
    public synchronized void define(String pid, PoolConfig config) {
        try {
            PoolSettings s = PoolSettings.from(config);
            checkAgainstOthers(pid, s);
            book.define(s);
            String previous = definedBy.put(pid, s.name());
            refusedBy.remove(pid);
            LOG.info("Pool '{}': {} for {} addresses, leases of {} s", s.name(), s.prefix(), s.purpose(), s.leaseTime().toSeconds());
            if (previous != null && !previous.equals(s.name())) {
                undefine(previous); // renamed: the old name stops handing out addresses
            }
        } catch (InvalidConfigurationException e) {
            refusedBy.put(pid, new Refused(config, e.getMessage()));
            LOG.error("Configuration refused: {}", e.getMessage());
        }
    }

    @Override
    public synchronized void withdraw(String pid) {
        refusedBy.remove(pid);
        String name = definedBy.remove(pid);
        if (name != null) {
            undefine(name);
        }
    }

    private void undefine(String name) {
        book.undefine(name);
        LOG.info("Pool '{}' no longer hands out addresses; its leases are kept until they expire", name);
        // a pool refused because it overlapped this one may fit now
        for (Map.Entry<String, Refused> e : new java.util.ArrayList<>(refusedBy.entrySet())) {
            try {
                PoolSettings s = PoolSettings.from(e.getValue().config());
                checkAgainstOthers(e.getKey(), s);
                book.define(s);
                definedBy.put(e.getKey(), s.name());
                refusedBy.remove(e.getKey());
                LOG.info("Pool '{}': {} for {} addresses, defined now that pool '{}' is gone", s.name(), s.prefix(), s.purpose(), name);
            } catch (InvalidConfigurationException still) {
                // still refused, for the reason already logged
            }
        }
    }

    /** A pool configuration whose definition was refused: kept, to be tried again when another pool goes. */
    private record Refused(PoolConfig config, String message) {
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
