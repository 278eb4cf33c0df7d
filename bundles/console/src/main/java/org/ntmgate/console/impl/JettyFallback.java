package org.ntmgate.console.impl;

import java.util.Hashtable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime starts Jetty only once it has its configuration (PID {@code org.apache.felix.http},
 * {@code org.apache.felix.http.require.config}), which the TLS bundle writes at its start. Should that bundle be
 * missing or fail, the console must not stay dark: {@value #WAIT_SECONDS} s after the console's login is ready with
 * still no such configuration, this writes one with HTTPS off (plain HTTP then serves this host only, see
 * {@link PlainHttpGuard}) and says so in the log.
 */
final class JettyFallback {
    static final int WAIT_SECONDS = 15;
    private static final Logger LOG = LoggerFactory.getLogger(JettyFallback.class);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ntmgate-console-jetty-fallback");
        t.setDaemon(true);
        return t;
    });

    void start(java.util.function.Supplier<ConfigurationAdmin> ca) {
        timer.schedule(() -> check(ca.get()), WAIT_SECONDS, TimeUnit.SECONDS);
    }

    private static void check(ConfigurationAdmin ca) {
        if (ca == null) {
            return;
        }
        try {
            Configuration[] c = ca.listConfigurations("(" + Constants.SERVICE_PID + "=" + PlainHttpGuard.JETTY_PID + ")");
            if (c != null && c.length > 0) {
                return;
            }
            Hashtable<String, Object> p = new Hashtable<>();
            p.put("org.apache.felix.https.enable", "false");
            ca.getConfiguration(PlainHttpGuard.JETTY_PID, "?").update(p);
            LOG.warn("Web Console: no HTTPS configuration {} s after start (is bundle org.ntmgate.tls running?); serving the console over plain HTTP,"
                    + " to this host only", WAIT_SECONDS);
        } catch (Exception e) {
            LOG.error("Web Console: Jetty's configuration could not be written; the console may not be served", e);
        }
    }

    void stop() {
        timer.shutdownNow();
    }
}
