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
 * <p>A plain activator, not a DS component: it must work even when SCR itself is broken.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public class GracefulShutdown implements BundleActivator {
    /** Framework property: seconds to wait for the framework to stop before the JVM exits anyway. */
    static final String TIMEOUT_PROPERTY = "ntmgate.shutdown.timeout.seconds";
    private static final Logger LOG = LoggerFactory.getLogger(GracefulShutdown.class);

    private Thread hook;
    private LogBridge logBridge;
    private org.osgi.framework.ServiceRegistration<?> deployFiles;
    private StartupReport startup;
    private ClassDataArchive archive;
    private org.osgi.framework.ServiceRegistration<?> health;
    private org.osgi.framework.ServiceRegistration<?> healthService;
    private org.osgi.framework.ServiceRegistration<?> commands;
    private org.osgi.framework.ServiceRegistration<?> deploySwap;
    private org.osgi.framework.ServiceRegistration<?> consoleSwap;

    @Override
    public void start(BundleContext context) {
        DeployFileProblems deployProblems = new DeployFileProblems();
        deployFiles = context.registerService(org.ntmgate.api.health.HealthProblems.class, deployProblems, null);
        try {
            logBridge = new LogBridge(context, deployProblems);
            logBridge.open();
        } catch (NoClassDefFoundError e) {
            LOG.info("No OSGi Log Service API in this framework: its entries are not copied to this log ({})", e.getMessage());
        }
        Framework framework = (Framework) context.getBundle(Constants.SYSTEM_BUNDLE_ID);
        long timeoutMillis = seconds(TIMEOUT_PROPERTY, context.getProperty(TIMEOUT_PROPERTY), 30, 1) * 1000L;
        hook = new Thread(() -> stop(framework, timeoutMillis), "ntmgate-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        HealthChecks checks = new HealthChecks(context);
        healthService = context.registerService(org.ntmgate.api.health.GatewayHealth.class, checks, null);
        startup = new StartupReport(context, checks);
        startup.open();
        archive = ClassDataArchive.start(context);
        try {
            health = HealthServlet.register(context, checks);
        } catch (NoClassDefFoundError e) {
            LOG.info("No servlet API in this framework: no health endpoint ({})", e.getMessage());
        }
        java.io.File kept = context.getDataFile("swap");
        BundleSwap swap = new BundleSwap(context, kept == null ? java.nio.file.Path.of("swap").toAbsolutePath() : kept.toPath(), checks);
        java.util.Hashtable<String, Object> props = new java.util.Hashtable<>();
        props.put("osgi.command.scope", "ntmgate");
        props.put("osgi.command.function", new String[] { "swap", "revert", "swaps" });
        commands = context.registerService(SwapCommands.class, new SwapCommands(swap), props);
        if (health != null) {
            java.io.File uploads = context.getDataFile("upload");
            consoleSwap = ConsoleUploadSwap.register(context, swap,
                    uploads == null ? java.nio.file.Path.of("upload").toAbsolutePath() : uploads.toPath());
        }
        try {
            deploySwap = DeployFolderSwap.register(context, swap);
        } catch (NoClassDefFoundError e) {
            LOG.info("No FileInstall in this framework: hot-swap through Gogo only ({})", e.getMessage());
        }
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
        startup.close();
        if (archive != null) {
            archive.stop(); // level 1 stops after the roles (level 2): every class they loaded is in it
        }
        for (org.osgi.framework.ServiceRegistration<?> r : new org.osgi.framework.ServiceRegistration<?>[] { health, healthService, commands, deploySwap, consoleSwap, deployFiles }) {
            if (r != null) {
                r.unregister();
            }
        }
        if (logBridge != null) {
            logBridge.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // The JVM is already shutting down: this stop is the hook's own doing.
        }
    }
}
