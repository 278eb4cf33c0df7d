package org.ntmgate.lifecycle.impl;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.log.LogEntry;
import org.osgi.service.log.LogLevel;
import org.osgi.service.log.LogListener;
import org.osgi.service.log.LogReaderService;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log: every entry of the OSGi Log Service (what SCR, ConfigAdmin, FileInstall, the Configurator and the
 * framework's own bundles write there) goes to slf4j, so it appears in the gateway's one stream (the start script's
 * output, the image's log file) with its level and its source ({@code osgi.<bundle>}), beside ntmgate's own
 * lines. FileInstall's word that it could not apply a file is also kept as a health problem ({@link DeployFileProblems}).
 * The Log Service's records of bundle and service events are left out below WARN. An entry's exception is one line (its root cause): a stack trace belongs in a
 * debugger, not in an appliance's log.
 */
final class LogBridge extends ServiceTracker<LogReaderService, LogReaderService> implements LogListener {
    private final BundleContext context;
    private final DeployFileProblems deployProblems;

    LogBridge(BundleContext context, DeployFileProblems deployProblems) {
        super(context, LogReaderService.class, null);
        this.context = context;
        this.deployProblems = deployProblems;
    }

    @Override
    public LogReaderService addingService(ServiceReference<LogReaderService> ref) {
        LogReaderService reader = context.getService(ref);
        // What was logged before this listener came (newest first in the history): oldest first, then live.
        List<LogEntry> earlier = new ArrayList<>(Collections.list(reader.getLog()));
        Collections.reverse(earlier);
        earlier.forEach(this::logged);
        reader.addLogListener(this);
        return reader;
    }

    @Override
    public void removedService(ServiceReference<LogReaderService> ref, LogReaderService reader) {
        reader.removeLogListener(this);
        context.ungetService(ref);
    }

    @Override
    public void logged(LogEntry e) {
        if (e.getLoggerName() != null && e.getLoggerName().startsWith("Events.") && e.getLogLevel().implies(LogLevel.INFO)) {
            return; // the Log Service's own record of every bundle and service event (OSGi Compendium 101.6.2): noise, not news
        }
        String source = e.getBundle() == null ? "osgi" : "osgi." + e.getBundle().getSymbolicName();
        Logger log = LoggerFactory.getLogger(source);
        String message = e.getException() == null ? e.getMessage() : e.getMessage() + ": " + oneLine(e.getException());
        if (e.getBundle() != null && "org.apache.felix.fileinstall".equals(e.getBundle().getSymbolicName()) && e.getLogLevel() == LogLevel.ERROR) {
            deployProblems.failed(e.getMessage(), e.getException() == null ? "see the log" : reason(e.getException()));
        }
        switch (e.getLogLevel()) {
        case AUDIT, ERROR -> log.error(message);
        case WARN -> log.warn(message);
        case INFO -> log.info(message);
        default -> log.debug(message);
        }
    }

    /**
     * An exception in one line: its root cause (the Log Service wraps every logged exception in its own, and the
     * frameworks wrap theirs again; the root says what went wrong).
     */
    static String oneLine(Throwable t) {
        return root(t).toString().replace('\n', ' ');
    }

    /** What went wrong as a person reads it: the root cause's message (its class only when it has none). */
    static String reason(Throwable t) {
        Throwable r = root(t);
        return (r.getMessage() == null ? r.getClass().getSimpleName() : r.getMessage()).replace('\n', ' ');
    }

    private static Throwable root(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }
}
