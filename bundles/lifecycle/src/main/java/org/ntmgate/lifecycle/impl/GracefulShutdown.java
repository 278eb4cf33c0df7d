package org.ntmgate.lifecycle.impl;

import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.launch.Framework;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops the framework when the JVM is asked to exit (SIGTERM from systemd or an init script, SIGINT, or
 * {@code System.exit}), and waits for it, so every bundle stops and every component deactivates: the translation
 * table writes its snapshot, the roles close their sockets. The bnd launcher exits without stopping the framework.
 *
 * <p>A plain activator, not a DS component: it must work even when SCR itself is broken. The bundle's other jobs are
 * DS components: {@link HealthChecks} and {@link HealthServlet} (the health service and endpoint), {@link StartupReport},
 * {@link ClassDataArchiveComponent}, {@link SwapCommands} (module hot-swap), {@link DeployFileProblems} (with the
 * Log Service bridge).
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class GracefulShutdown implements BundleActivator {
    /** Framework property: seconds to wait for the framework to stop before the JVM exits anyway. */
    static final String TIMEOUT_PROPERTY = "ntmgate.shutdown.timeout.seconds";
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private Thread hook;

    @Override
    public void start(BundleContext context) {
        Framework framework = (Framework) context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        long timeoutMillis = seconds(TIMEOUT_PROPERTY, context.getProperty(TIMEOUT_PROPERTY), 30, 1) * 1000L;
        hook = new Thread(() -> stop(framework, timeoutMillis), "ntmgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * A property's whole number of seconds, at least {@code least}; absent: {@code fallback}; anything else is
     * logged with the property's name and {@code fallback} used.
     */
    static long seconds(String property, String value, long fallback, long least) {
        if (value == null) {
            return fallback;
        }
        try {
            long v = Long.parseLong(value.trim());
            if (v >= least) {
                return v;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        LOG.error("Property {}='{}' is not a whole number of seconds of at least {}; using {}", property, value, least, fallback);
        return fallback;
    }

    private static void stop(Framework framework, long timeoutMillis) {
        LOG.info("Shutdown requested: stopping the gateway (at most {} s)", timeoutMillis / 1000);
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(timeoutMillis);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                LOG.error("The framework did not stop within {} s; exiting anyway", timeoutMillis / 1000);
            }
        } catch (Exception e) {
            LOG.error("Stopping the framework failed", e);
        }
    }

    @Override
    public void stop(BundleContext context) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: this stop is the hook's own doing.
        }
    }
}
