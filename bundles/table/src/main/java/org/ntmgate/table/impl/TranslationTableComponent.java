package org.ntmgate.table.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.RemovalReason;
import org.ntmgate.api.table.TableEvents;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventAdmin;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The translation table as an OSGi service.
 *
 * <p>Entries outlive the bundles that use the table (it is one singleton service in its own bundle), survive
 * reconfiguration ({@link #modified} changes limits in place), and survive restarts of this bundle and of the
 * framework through the snapshot in this bundle's data area.
 */
@Component(service = TranslationTable.class, configurationPid = "org.ntmgate.table", immediate = true)
@Designate(ocd = TableConfig.class)
public class TranslationTableComponent implements TranslationTable {
    static final String SNAPSHOT_FILE = "table.snapshot";
    private static final Logger LOG = LoggerFactory.getLogger(TranslationTableComponent.class);

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private final CoarseClock clock = new CoarseClock(System::currentTimeMillis);
    private volatile boolean publishEvents;
    private ConcurrentTranslationTable table;
    private SnapshotStore store;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> sweep;
    private ScheduledFuture<?> snapshot;
    private TableSettings settings = TableSettings.DEFAULTS;

    @Activate
    void activate(BundleContext context, TableConfig config) {
        settings = validated(config, TableSettings.DEFAULTS);
        table = new ConcurrentTranslationTable(settings, clock, new EventPublisher());
        File dataFile = context.getDataFile(SNAPSHOT_FILE);
        if (dataFile == null) {
            LOG.warn("The framework gives this bundle no data area: translation entries will not survive a restart");
        } else {
            store = new SnapshotStore(dataFile.toPath().toAbsolutePath().normalize());
            restore();
        }
        publishEvents = true;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ntmgate-table-timer");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(clock::tick, 1, 1, TimeUnit.SECONDS);
        schedule();
        LOG.info("Translation table ready: {} entries, capacity {}, idle timeout {} s", table.size(), settings.capacity(),
                settings.idleTimeoutSeconds());
    }

    @Modified
    void modified(TableConfig config) {
        TableSettings next = validated(config, settings);
        if (next.equals(settings)) {
            return;
        }
        settings = next;
        table.apply(next);
        schedule();
        LOG.info("Translation table reconfigured: capacity {}, idle timeout {} s, sweep every {} s, snapshot every {} s;"
                + " {} entries kept", next.capacity(), next.idleTimeoutSeconds(), next.sweepIntervalSeconds(),
                next.snapshotIntervalSeconds(), table.size());
        if (table.size() > next.capacity()) {
            LOG.warn("Translation table holds {} entries, above the new capacity {}: new entries are refused until"
                    + " enough expire or are removed", table.size(), next.capacity());
        }
    }

    @Deactivate
    void deactivate() {
        publishEvents = false;
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (store != null) {
            save();
        }
        table.retire();
    }

    /**
     * Bad configuration is refused whole, with the field named (logged and posted on EventAdmin), and the previous
     * settings stay in force.
     */
    private TableSettings validated(TableConfig config, TableSettings previous) {
        try {
            return TableSettings.from(config);
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration refused: {}. Keeping capacity={}, idleTimeoutSeconds={}, sweepIntervalSeconds={},"
                    + " snapshotIntervalSeconds={}", e.getMessage(), previous.capacity(), previous.idleTimeoutSeconds(),
                    previous.sweepIntervalSeconds(), previous.snapshotIntervalSeconds());
            return previous;
        }
    }

    private synchronized void schedule() {
        if (sweep != null) {
            sweep.cancel(false);
            snapshot.cancel(false);
        }
        sweep = timer.scheduleWithFixedDelay(this::sweep, settings.sweepIntervalSeconds(), settings.sweepIntervalSeconds(),
                TimeUnit.SECONDS);
        snapshot = timer.scheduleWithFixedDelay(this::saveIfChanged, settings.snapshotIntervalSeconds(),
                settings.snapshotIntervalSeconds(), TimeUnit.SECONDS);
    }

    private void sweep() {
        try {
            int n = table.expireIdle();
            if (n > 0) {
                LOG.debug("Expired {} idle translation entries", n);
            }
        } catch (RuntimeException e) {
            LOG.error("Idle sweep failed; it runs again in {} s", settings.sweepIntervalSeconds(), e);
        }
    }

    private void saveIfChanged() {
        if (store != null && table.takeMembershipChanged()) {
            save();
        }
    }

    private void save() {
        List<Entry> entries = table.liveEntries();
        try {
            store.write(table.lastId(), entries);
            LOG.debug("Saved {} translation entries to {}", entries.size(), store.file());
        } catch (IOException | RuntimeException e) {
            table.markMembershipChanged();
            LOG.error("Could not save the translation table to {}: {}. The previous snapshot is intact; retrying in {} s",
                    store.file(), e.toString(), settings.snapshotIntervalSeconds());
        }
    }

    private void restore() {
        SnapshotStore.Contents contents;
        try {
            contents = store.read(clock);
        } catch (SnapshotStore.CorruptSnapshotException e) {
            setAsideCorrupt(e.getMessage());
            return;
        } catch (IOException e) {
            LOG.error("Could not read the translation table snapshot {}: {}. Starting with an empty table",
                    store.file(), e.toString());
            return;
        }
        if (contents == null) {
            LOG.info("No translation table snapshot at {}: starting empty", store.file().toAbsolutePath());
            return;
        }
        table.advanceLastId(contents.lastId());
        long now = clock.now();
        int conflicts = 0;
        for (Entry e : contents.entries()) {
            e.resetIdle(now);
            try {
                table.insert(e, false);
            } catch (EntryConflictException | TableFullException ex) {
                conflicts++;
            }
        }
        table.takeMembershipChanged();
        if (conflicts > 0) {
            LOG.warn("Translation table snapshot {}: skipped {} entries that mapped an endpoint twice", store.file(), conflicts);
        }
        LOG.info("Restored {} translation entries from {}", table.size(), store.file());
    }

    private void setAsideCorrupt(String why) {
        try {
            Path aside = store.setAside(clock.now());
            LOG.error("Translation table snapshot {} is corrupt ({}); moved it to {} and started with an empty table",
                    store.file(), why, aside);
        } catch (IOException e) {
            LOG.error("Translation table snapshot {} is corrupt ({}) and could not be moved aside ({}); starting with an"
                    + " empty table, the next snapshot replaces it", store.file(), why, e.toString());
        }
    }

    /** Forwards table changes to EventAdmin, when there is one and the component is live. */
    private final class EventPublisher implements TableListener {
        @Override
        public void added(Entry entry) {
            post(TableEvents.TOPIC_ADDED, entry, null);
        }

        @Override
        public void removed(Entry entry, RemovalReason reason) {
            post(TableEvents.TOPIC_REMOVED, entry, reason);
        }

        private void post(String topic, Entry entry, RemovalReason reason) {
            EventAdmin ea = eventAdmin;
            if (ea == null || !publishEvents) {
                return;
            }
            Map<String, Object> props = new HashMap<>();
            props.put(TableEvents.ENTRY_ID, entry.id());
            props.put(TableEvents.KIND, entry.kind().name());
            props.put(TableEvents.VIRTUAL, entry.virtualSide().toString());
            props.put(TableEvents.REAL, entry.realSide().toString());
            props.put(TableEvents.NODE_ID, entry.owner().nodeId());
            props.put(TableEvents.PATH_ID, entry.owner().pathId());
            if (reason != null) {
                props.put(TableEvents.REASON, reason.name());
            }
            ea.postEvent(new Event(topic, props));
        }
    }

    // The service contract, served by the table.

    @Override
    public TranslationEntry insert(EntrySpec spec) throws TableFullException, EntryConflictException {
        return table.insert(spec);
    }

    @Override
    public TranslationEntry replace(long id, EntrySpec spec) throws TableFullException, EntryConflictException {
        return table.replace(id, spec);
    }

    @Override
    public Optional<TranslationEntry> lookupByVirtual(Endpoint virtualSide) {
        return table.lookupByVirtual(virtualSide);
    }

    @Override
    public Optional<TranslationEntry> lookupByReal(Endpoint realSide) {
        return table.lookupByReal(realSide);
    }

    @Override
    public Optional<TranslationEntry> lookupById(long id) {
        return table.lookupById(id);
    }

    @Override
    public boolean remove(long id) {
        return table.remove(id);
    }

    @Override
    public int removeByOwner(EntryOwner owner) {
        return table.removeByOwner(owner);
    }

    @Override
    public int clear() {
        return table.clear();
    }

    @Override
    public List<TranslationEntry> entries(Predicate<? super TranslationEntry> filter) {
        return table.entries(filter);
    }

    @Override
    public int size() {
        return table.size();
    }

    @Override
    public TableStatistics statistics() {
        return table.statistics();
    }
}
