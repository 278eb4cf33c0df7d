package org.ntmgate.config.impl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.ntmgate.storage.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refusals of writes that were stored before they were checked (files, the Configurator, code), by PID, until the
 * PID's configuration is accepted again or deleted: they are health problems meanwhile. Kept in one properties file,
 * replaced atomically, so a restart does not hide them.
 */
final class RefusalBook {
    private static final Logger LOG = LoggerFactory.getLogger(RefusalBook.class);
    /** The key prefix of a refusal's image version (PIDs never start with it). */
    private static final String IMAGE = "image:";
    private final Path file;
    private final Map<String, Refusal> byPid = new ConcurrentHashMap<>();

    RefusalBook(Path file) {
        this.file = file;
    }

    void load() {
        if (!Files.exists(file)) {
            return;
        }
        java.util.Properties p = new java.util.Properties();
        try (InputStream in = Files.newInputStream(file)) {
            p.load(in);
            for (String pid : p.stringPropertyNames()) {
                if (pid.startsWith(IMAGE)) {
                    continue;
                }
                String[] f = p.getProperty(pid).split("\t", 5);
                byPid.put(pid, new Refusal(pid, f[0], f[4], f[1], f[2].isEmpty() ? null : f[2], Instant.ofEpochMilli(Long.parseLong(f[3])),
                        p.getProperty(IMAGE + pid)));
            }
        } catch (IOException | RuntimeException e) {
            try {
                LOG.error("Refusals file {} is unreadable ({}); moved it to {}", file, e.getMessage(), AtomicFile.setAside(file, System.currentTimeMillis()));
            } catch (IOException io) {
                LOG.error("Refusals file {} is unreadable ({}) and could not be moved aside: {}", file, e.getMessage(), io.toString());
            }
            byPid.clear();
        }
    }

    void put(Refusal r) {
        byPid.put(r.pid(), r);
        save();
    }

    /** Forgets {@code pid}'s refusal; the one forgotten, or null. */
    Refusal clear(String pid) {
        Refusal r = byPid.remove(pid);
        if (r != null) {
            save();
        }
        return r;
    }

    Refusal get(String pid) {
        return byPid.get(pid);
    }

    List<Refusal> all() {
        List<Refusal> out = new ArrayList<>(byPid.values());
        out.sort(Comparator.comparing(Refusal::pid));
        return out;
    }

    private void save() {
        java.util.Properties p = new java.util.Properties();
        for (Refusal r : byPid.values()) {
            p.setProperty(r.pid(), r.field() + "\t" + r.source() + "\t" + (r.file() == null ? "" : r.file()) + "\t" + r.at().toEpochMilli()
                    + "\t" + r.message());
            if (r.image() != null) {
                p.setProperty(IMAGE + r.pid(), r.image());
            }
        }
        try {
            AtomicFile.write(file, out -> p.store(out, "configuration refusals not yet fixed"));
        } catch (IOException e) {
            LOG.error("Could not write refusals file {}: {}", file, e.toString());
        }
    }
}
