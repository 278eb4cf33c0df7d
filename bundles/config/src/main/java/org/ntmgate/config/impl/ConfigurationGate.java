package org.ntmgate.config.impl;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.ntmgate.api.config.ConfigurationEvents;
import org.ntmgate.api.config.ConfigurationCheck;
import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.config.ConfigurationValidator;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.health.HealthProblems;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ConfigurationPlugin;
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
 * One truth per PID. Every configuration write, whatever wrote it, is checked by the {@link ConfigurationValidator}
 * of the bundle that owns the PID: before it is stored where the entry point lets us ({@link #check}, used by the
 * Web Console's Configuration page), otherwise as soon as ConfigAdmin reports it. A refused write is undone: the
 * last accepted configuration of the PID is stored again (or the new configuration deleted when none was ever
 * accepted), the refusal is logged in one line naming the PID, the field and where the write came from, posted on
 * EventAdmin, and kept as a health problem until the PID is accepted again or deleted, its file removed, or an
 * administrator forgets it ({@code config:forget <pid>}). When a validator appears (its
 * bundle started or was updated), every stored configuration of its PIDs is checked: a value stored while nobody
 * checked it (a file edited while the gateway was down) gets the same treatment.
 *
 * <p>All work runs on one thread, in the order ConfigAdmin reported it.
 */
@Component(service = { ConfigurationGate.class, ConfigurationListener.class, ConfigurationPlugin.class, HealthProblems.class, ConfigurationRecords.class,
        ConfigurationCheck.class },
        immediate = true,
        property = { "osgi.command.scope=config", "osgi.command.function=refusals", "osgi.command.function=forget" })
public class ConfigurationGate implements ConfigurationListener, ConfigurationPlugin, HealthProblems, ConfigurationRecords, ConfigurationCheck {
    private static final Logger LOG = LoggerFactory.getLogger(ConfigurationGate.class);

    private final Map<String, ConfigurationValidator> validators = new ConcurrentHashMap<>();
    /** PIDs this gate deleted itself (a refused first configuration): their deletion keeps the refusal. */
    private final Set<String> ownDeletes = ConcurrentHashMap.newKeySet();
    /**
     * PID -> ConfigAdmin's change count right after this gate stored the accepted configuration again (a refused
     * write undone): only a later write can fix the refusal. (A count, not a flag per event: a check at start may
     * undo a write before that write's own event is handled, so events cannot be matched to writes.)
     */
    private final Map<String, Long> revertedAt = new ConcurrentHashMap<>();

    @Reference
    private ConfigurationAdmin cm;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile EventAdmin eventAdmin;

    private volatile ExecutorService worker;
    private volatile AcceptedConfigurations accepted;
    private volatile RefusalBook refusals;
    /** The image this gateway runs (framework property {@code ntmgate.image.version}), or null outside an image. */
    private volatile String image;

    @Activate
    void activate(BundleContext context) throws IOException {
        File data = context.getDataFile("");
        Path home = data == null ? Path.of("config-gate").toAbsolutePath() : data.toPath();
        accepted = new AcceptedConfigurations(home.resolve("accepted"));
        accepted.load();
        refusals = new RefusalBook(home.resolve("refusals.properties"));
        refusals.load();
        image = context.getProperty("ntmgate.image.version");
        worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "ntmgate-config-gate");
            t.setDaemon(true);
            return t;
        });
        for (String pid : validators.keySet()) {
            worker.execute(() -> reconcile(pid));
        }
    }

    @Deactivate
    void deactivate() throws InterruptedException {
        worker.shutdown();
        worker.awaitTermination(10, TimeUnit.SECONDS);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC)
    void bindValidator(ConfigurationValidator v, Map<String, Object> props) {
        for (String pid : pids(props)) {
            validators.put(pid, v);
            ExecutorService w = worker;
            if (w != null) {
                w.execute(() -> reconcile(pid));
            }
        }
    }

    void unbindValidator(ConfigurationValidator v, Map<String, Object> props) {
        for (String pid : pids(props)) {
            validators.remove(pid, v);
        }
    }

    private static List<String> pids(Map<String, Object> props) {
        Object p = props.get(ConfigurationValidator.PIDS);
        if (p instanceof String s) {
            return List.of(s);
        }
        if (p instanceof String[] a) {
            return List.of(a);
        }
        return List.of();
    }

    /**
     * Checks a write before it is stored: the owner's validator, and that the configuration is not managed by a
     * file in the deploy folder (the file is the truth: the console never writes files). Throws naming the field.
     * {@code properties} are as {@link Properties#of} gives them (without ConfigAdmin's own keys).
     */
    @Override
    public void check(String pid, String factoryPid, Map<String, Object> properties) {
        Configuration existing = pid == null ? null : find(pid);
        Map<String, Object> stored = existing == null || existing.getProperties() == null ? null : Properties.of(existing.getProperties());
        if (factoryPid == null && existing != null) {
            factoryPid = existing.getFactoryPid(); // the console names only the PID of a factory configuration it edits
        }
        String file = stored == null ? null : Properties.file(stored);
        if (file != null) {
            throw new InvalidConfigurationException(pid, Properties.FILE, "is managed by the file " + file
                    + ": edit or remove that file (what the console would store there would be replaced by the file at the next start)");
        }
        ConfigurationValidator v = validator(pid, factoryPid);
        if (v != null) {
            v.validate(pid, factoryPid, properties);
        }
    }

    /** Checks a deletion before it is done: a file's configuration goes with its file. */
    @Override
    public void checkDelete(String pid) {
        Map<String, Object> stored = pid == null ? null : storedProperties(pid);
        String file = stored == null ? null : Properties.file(stored);
        if (file != null) {
            throw new InvalidConfigurationException(pid, Properties.FILE, "is managed by the file " + file + ": remove that file instead");
        }
    }

    private ConfigurationValidator validator(String pid, String factoryPid) {
        return validators.get(factoryPid != null ? factoryPid : pid);
    }

    /**
     * What a component is given (Declarative Services reads configurations through ConfigAdmin's plugins): a
     * configuration its owner refuses is replaced by the last accepted one, so the component never sees the refused
     * value (no conversion failure, no restart) in the moment before {@link #configurationEvent} undoes the write.
     */
    @Override
    public void modifyConfiguration(org.osgi.framework.ServiceReference<?> reference, java.util.Dictionary<String, Object> properties) {
        try {
            Object pid = properties.get(Constants.SERVICE_PID);
            Object factoryPid = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
            ConfigurationValidator v = pid == null ? null : validator(pid.toString(), factoryPid == null ? null : factoryPid.toString());
            if (v == null) {
                return;
            }
            Map<String, Object> given = Properties.of(properties);
            Map<String, Object> previous = accepted == null ? null : accepted.get(pid.toString());
            if (previous == null || Properties.same(previous, given)) {
                return;
            }
            try {
                v.validate(pid.toString(), factoryPid == null ? null : factoryPid.toString(), given);
            } catch (InvalidConfigurationException e) {
                for (String k : given.keySet()) {
                    properties.remove(k);
                }
                previous.forEach(properties::put);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not check the configuration handed to {}: {}", reference, e.toString());
        }
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        ExecutorService w = worker;
        if (w == null || event.getType() == ConfigurationEvent.CM_LOCATION_CHANGED) {
            return;
        }
        String pid = event.getPid();
        String factoryPid = event.getFactoryPid();
        if (event.getType() == ConfigurationEvent.CM_DELETED) {
            w.execute(() -> deleted(pid));
        } else if (validator(pid, factoryPid) != null) {
            w.execute(() -> updated(pid, true));
        }
    }

    private void deleted(String pid) {
        accepted.remove(pid);
        if (!ownDeletes.remove(pid) && refusals.clear(pid) != null) {
            LOG.info("Configuration {} deleted: its refusal is no longer a problem", pid);
        }
    }

    /** Checks every stored configuration of {@code key} (a PID or a factory PID). */
    private void reconcile(String key) {
        try {
            Configuration[] all = cm.listConfigurations("(|(" + Constants.SERVICE_PID + "=" + key + ")(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + key + "))");
            for (Configuration c : all == null ? new Configuration[0] : all) {
                updated(c.getPid(), false);
            }
        } catch (Exception e) {
            LOG.error("Could not check the stored configurations of {}: {}", key, e.toString());
        }
    }

    private Map<String, Object> storedProperties(String pid) {
        Configuration c = find(pid);
        return c == null || c.getProperties() == null ? null : Properties.of(c.getProperties());
    }

    private Configuration find(String pid) {
        try {
            Configuration[] c = cm.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            return c == null || c.length == 0 ? null : c[0];
        } catch (Exception e) {
            throw new IllegalStateException("ConfigAdmin could not list " + pid, e);
        }
    }

    /**
     * Checks {@code pid}'s stored configuration. A write ({@code written}: ConfigAdmin reported it) that is
     * accepted fixes the PID's refusal, unless what is stored is still this gate's own undoing of it; a check at
     * start or when a validator appears ({@code written} false) fixes nothing.
     */
    private void updated(String pid, boolean written) {
        try {
            Configuration c = find(pid);
            if (c == null || c.getProperties() == null) {
                return;
            }
            ConfigurationValidator v = validator(pid, c.getFactoryPid());
            if (v == null) {
                return;
            }
            Map<String, Object> props = Properties.of(c.getProperties());
            Map<String, Object> previous = accepted.get(pid);
            try {
                v.validate(pid, c.getFactoryPid(), props);
            } catch (InvalidConfigurationException e) {
                refuse(c, props, previous, e);
                return;
            }
            if (!Properties.same(previous, props)) {
                accepted.put(pid, props);
            }
            Refusal left = written ? null : refusals.get(pid);
            if (left != null && left.file() == null && left.otherImage(image)) {
                // docs/image.md: a rolled-back upgrade's refusal (its defaults, not a file still in deploy/); what runs now is accepted
                refusals.clear(pid);
                LOG.info("Configuration {} is accepted as it is stored; its refusal under image {} ({}) is not this image's ({}): no longer a problem",
                        pid, left.image(), left.message(), image);
            }
            Long reverted = revertedAt.get(pid);
            if (written && (reverted == null || c.getChangeCount() > reverted)) {
                revertedAt.remove(pid);
                Refusal fixed = refusals.clear(pid);
                if (fixed != null) {
                    LOG.info("Configuration {} accepted; its refusal ({}) is fixed", pid, fixed.message());
                }
            }
        } catch (Exception e) {
            LOG.error("Could not check configuration {}: {}", pid, e.toString());
        }
    }

    private void refuse(Configuration c, Map<String, Object> props, Map<String, Object> previous, InvalidConfigurationException e) throws IOException {
        String pid = c.getPid();
        String file = Properties.file(props);
        String source = file != null ? file : "ConfigAdmin";
        ConfigurationEvents.post(eventAdmin, e);
        if (previous != null && Properties.same(previous, props)) {
            // The accepted configuration itself is refused now (its owner's state changed): nothing to go back to.
            LOG.error("Configuration {} ({}) is refused now: {}; it stays stored as it is", pid, source, e.getMessage());
            refusals.put(new Refusal(pid, e.field(), e.getMessage(), source, fileUrl(props), Instant.now(), image));
            return;
        }
        refusals.put(new Refusal(pid, e.field(), e.getMessage(), source, fileUrl(props), Instant.now(), image));
        if (previous != null) {
            LOG.error("Configuration refused ({}): {}; the last accepted configuration of {} is stored again and keeps running", source,
                    e.getMessage(), pid);
            c.update(Properties.dictionary(previous));
            revertedAt.put(pid, c.getChangeCount());
        } else {
            LOG.error("Configuration refused ({}): {}; {} had no accepted configuration, so it is removed", source, e.getMessage(), pid);
            ownDeletes.add(pid);
            c.delete();
        }
    }

    private static String fileUrl(Map<String, Object> props) {
        Object f = props.get(Properties.FILE);
        return f == null ? null : f.toString();
    }

    /**
     * Refusals of writes that were stored before they were checked: problems until fixed (an accepted write of the
     * PID, its deletion, or the removal of the file it came from).
     */
    @Override
    public List<String> problems() {
        RefusalBook book = refusals;
        if (book == null) {
            return List.of();
        }
        for (Refusal r : book.all()) {
            if (r.fileGone() && book.clear(r.pid()) != null) {
                LOG.info("{} was removed: the refusal of configuration {} from it is no longer a problem", r.source(), r.pid());
            }
        }
        return book.all().stream().map(Refusal::line).collect(Collectors.toList());
    }

    @Override
    public boolean stored(String pid) {
        return find(pid) != null;
    }

    @Override
    public Map<String, Map<String, Object>> accepted(String factoryPid) {
        return accepted.ofFactory(factoryPid);
    }

    @Override
    public String refusal(String pid) {
        Refusal r = refusals.get(pid);
        return r == null ? null : "from " + r.source() + " at " + r.at() + ": " + r.message();
    }

    /** config:forget PID: an administrator has read the refusal of PID's write; it is no longer a health problem. */
    public String forget(String pid) {
        Refusal r = refusals.clear(pid);
        if (r == null) {
            return "no refusal of " + pid + " is kept (config:refusals lists them)";
        }
        LOG.info("Refusal of configuration {} forgotten at an administrator's request: {}", pid, r.message());
        return "forgot: " + r.line();
    }

    /** config:refusals: every refusal not yet fixed. */
    public String refusals() {
        List<String> lines = new ArrayList<>(problems());
        return lines.isEmpty() ? "no refused configuration" : String.join("\n", lines);
    }
}
