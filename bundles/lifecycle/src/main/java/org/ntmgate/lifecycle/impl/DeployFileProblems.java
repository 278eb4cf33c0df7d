package org.ntmgate.lifecycle.impl;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.ntmgate.api.health.HealthProblems;

/**
 * Files in the deploy folder that FileInstall could not apply at all (a {@code .cfg} it cannot parse, a jar it
 * cannot install): FileInstall says so only in the Log Service, which {@link LogBridge} reads; each such file is a
 * health problem until it is changed or removed. (Configuration it could read but that its owner refuses is the
 * configuration gate's business.)
 */
@Component(service = HealthProblems.class, immediate = true)
public final class DeployFileProblems implements HealthProblems {
    private static final Logger LOG = LoggerFactory.getLogger(DeployFileProblems.class);
    /** FileInstall's message when it gives up on a file (its DirectoryWatcher, 3.7). */
    static final String FAILED = "Failed to install artifact: ";

    private record Failure(FileTime modified, String reason) {
    }

    private final Map<Path, Failure> failures = new ConcurrentHashMap<>();
    private LogBridge logBridge;

    /** Copies the OSGi Log Service's entries to the gateway's log, and FileInstall's failures here. */
    @Activate
    void activate(BundleContext context) {
        try {
            logBridge = new LogBridge(context, this);
            logBridge.open();
        } catch (NoClassDefFoundError e) {
            LOG.info("No OSGi Log Service API in this framework: its entries are not copied to this log ({})", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        if (logBridge != null) {
            logBridge.close();
        }
    }

    /** A FileInstall error entry: the file it names, and why (the exception's root cause). */
    void failed(String message, String reason) {
        if (message == null || !message.startsWith(FAILED)) {
            return;
        }
        Path file = Path.of(message.substring(FAILED.length()).trim());
        try {
            failures.put(file, new Failure(Files.getLastModifiedTime(file), reason));
        } catch (IOException e) {
            // gone already
        }
    }

    @Override
    public List<String> problems() {
        failures.entrySet().removeIf(e -> !unchanged(e.getKey(), e.getValue().modified()));
        return failures.entrySet().stream().map(e -> "deploy/" + e.getKey().getFileName() + " could not be applied: " + e.getValue().reason())
                .sorted().toList();
    }

    private static boolean unchanged(Path file, FileTime modified) {
        try {
            return Files.getLastModifiedTime(file).equals(modified);
        } catch (IOException e) {
            return false;
        }
    }
}
