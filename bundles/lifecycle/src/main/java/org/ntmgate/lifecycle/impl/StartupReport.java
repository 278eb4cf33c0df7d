package org.ntmgate.lifecycle.impl;

import org.ntmgate.api.health.GatewayHealth;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one line when every installed bundle is up: "ntmgate started: N bundles active, X ms after the JVM
 * started" (N counts the bundles in state ACTIVE). Operators, tests and the start-up benchmark wait for that line; it
 * comes after this bundle's shutdown hook is in place, so a gateway that printed it always stops cleanly. Five
 * seconds later a second line gives the health check's verdict ("ntmgate health after start: ..."), naming every
 * problem: a role refused or failed, a pool that hands out nothing.
 */
@Component(immediate = true)
public final class StartupReport implements SynchronousBundleListener {
    static final String STARTED_PREFIX = "ntmgate started:";
    static final String HEALTH_PREFIX = "ntmgate health after start:";
    private static final Logger LOG = LoggerFactory.getLogger(StartupReport.class);

    /** How long after the start-up line the health is logged: configuration and roles settle after their bundles start. */
    static final long SETTLE_MILLIS = 5000;
    private BundleContext context;
    @Reference
    private GatewayHealth health;
    private boolean reported;
    private Thread settle;

    @Activate
    void open(BundleContext c) {
        context = c;
        context.addBundleListener(this);
        check();
    }

    @Deactivate
    synchronized void close() {
        context.removeBundleListener(this);
        if (settle != null) {
            settle.interrupt();
        }
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STARTED) {
            check();
        }
    }

    /** The health once the roles had time to take their configuration: the start-up line alone cannot say it. */
    private void reportHealth() {
        try {
            Thread.sleep(SETTLE_MILLIS);
            List<String> problems = health.problems();
            if (problems.isEmpty()) {
                LOG.info("{} healthy: every configured role serves", HEALTH_PREFIX);
            } else {
                LOG.warn("{} {} problem(s): {}", HEALTH_PREFIX, problems.size(), String.join("; ", problems));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("{} could not be checked: {}", HEALTH_PREFIX, e.toString());
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
            LOG.info("{} {} bundles active, {} ms after the JVM started", STARTED_PREFIX,
                    Arrays.stream(context.getBundles()).filter(b -> b.getState() == Bundle.ACTIVE).count(),
                    ManagementFactory.getRuntimeMXBean().getUptime());
            settle = new Thread(this::reportHealth, "ntmgate-startup-health");
            settle.setDaemon(true);
            settle.start();
        } else if (waiting.stream().noneMatch(b -> b.getState() == Bundle.STARTING || b.getState() == Bundle.RESOLVED
                || b.getState() == Bundle.INSTALLED)) {
            LOG.warn("Not every bundle is active: {}", waiting.stream().map(Bundle::getSymbolicName).collect(Collectors.joining(", ")));
        }
    }
}
