package org.ntmgate.lifecycle.impl;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.Constants;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line when every installed bundle is active: "ntmgate started: N bundles active, X ms after the JVM
 * started". Operators, tests and the start-up benchmark wait for that line; it comes after this bundle's shutdown
 * hook is in place, so a gateway that printed it always stops cleanly.
 */
final class StartupReport implements SynchronousBundleListener {
    static final String STARTED_PREFIX = "ntmgate started:";
    private static final Logger LOG = LoggerFactory.getLogger(StartupReport.class);

    private final BundleContext context;
    private boolean reported;

    StartupReport(BundleContext context) {
        this.context = context;
    }

    void open() {
        context.addBundleListener(this);
        check();
    }

    void close() {
        context.removeBundleListener(this);
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTED) {
            check();
        }
    }

    private synchronized void check() {
        if (reported) {
            return;
        }
        List<Bundle> waiting = Arrays.stream(context.getBundles())
                .filter(b -> !HealthChecks.up(b))
                .collect(Collectors.toList());
        if (waiting.isEmpty()) {
            reported = true;
            LOG.info("{} {} bundles active, {} ms after the JVM started", STARTED_PREFIX, context.getBundles().length,
                    ManagementFactory.getRuntimeMXBean().getUptime());
        } else if (waiting.stream().noneMatch(b -> b.getState() == Bundle.STARTING || b.getState() == Bundle.RESOLVED
                || b.getState() == Bundle.INSTALLED)) {
            LOG.warn("Not every bundle is active: {}", waiting.stream().map(Bundle::getSymbolicName).collect(Collectors.joining(", ")));
        }
    }
}
