package org.ntmgate.config.impl;

import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.cm.file.ConfigurationHandler;
import org.ntmgate.storage.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last configuration of each PID that its owner accepted, one file per PID in ConfigAdmin's own typed format
 * ({@code <pid>.config}), each replaced atomically. A refused write is undone with it; it outlives restarts so that
 * a value refused before a power cut is refused again after it, and the accepted one is put back.
 */
final class AcceptedConfigurations {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptedConfigurations.class);
    private final Path folder;
    private final Map<String, Map<String, Object>> byPid = new ConcurrentHashMap<>();

    AcceptedConfigurations(Path folder) {
        this.folder = folder;
    }

    /** Reads every kept configuration; an unreadable file is set aside with a log line and forgotten. */
    void load() throws IOException {
        Files.createDirectories(folder);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder, "*.config")) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                String pid = URLDecoder.decode(name.substring(0, name.length() - ".config".length()), StandardCharsets.UTF_8);
                try (InputStream in = Files.newInputStream(f)) {
                    @SuppressWarnings("unchecked")
                    Dictionary<String, Object> d = ConfigurationHandler.read(in);
                    byPid.put(pid, Properties.of(d));
                } catch (IOException | RuntimeException e) {
                    LOG.error("Accepted configuration {} is unreadable ({}); moved it to {}", f, e.getMessage(),
                            AtomicFile.setAside(f, System.currentTimeMillis()));
                }
            }
        }
    }

    /**
     * A factory configuration's PID is {@code <factory PID>~<name>} (ConfigAdmin 1.6 named configurations: the
     * Configurator, FileInstall) or {@code <factory PID>.<generated>} (older clients such as the Web Console).
     */
    Map<String, Map<String, Object>> ofFactory(String factoryPid) {
        Map<String, Map<String, Object>> out = new java.util.TreeMap<>();
        byPid.forEach((pid, props) -> {
            if (pid.startsWith(factoryPid + "~") || pid.startsWith(factoryPid + ".")) {
                out.put(pid, java.util.Collections.unmodifiableMap(props));
            }
        });
        return out;
    }

    Map<String, Object> get(String pid) {
        return byPid.get(pid);
    }

    /** Keeps {@code properties} as {@code pid}'s accepted configuration; a failed write is logged and kept in memory. */
    void put(String pid, Map<String, Object> properties) {
        byPid.put(pid, properties);
        try {
            AtomicFile.write(file(pid), out -> ConfigurationHandler.write(out, Properties.dictionary(properties)));
        } catch (IOException e) {
            LOG.error("Could not write the accepted configuration of {} to {}: {}; it is kept until the gateway stops",
                    pid, file(pid), e.toString());
        }
    }

    void remove(String pid) {
        byPid.remove(pid);
        try {
            Files.deleteIfExists(file(pid));
        } catch (IOException e) {
            LOG.error("Could not delete {}: {}", file(pid), e.toString());
        }
    }

    private Path file(String pid) {
        return folder.resolve(URLEncoder.encode(pid, StandardCharsets.UTF_8) + ".config");
    }
}
