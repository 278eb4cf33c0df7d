package org.ntmgate.image;

import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/**
 * Put into a copy of the AS bundle by {@link BoxIT}: an image whose gateway crashes every time it runs, and only
 * once it has become healthy, as a build with a fault that takes a few seconds to strike does. It watches its own
 * gateway's {@code /ntmgate/health} and, 2 s after the first "ok", halts the JVM with status 70; a health check
 * that looked at one healthy moment would confirm it.
 */
public final class CrashingActivator implements BundleActivator {
    static final int STATUS = 70;

    @Override
    public void start(BundleContext context) {
        String port = System.getenv().getOrDefault("NTMGATE_PORT", "8080");
        Thread t = new Thread(() -> {
            long deadline = System.nanoTime() + 120_000_000_000L;
            while (System.nanoTime() < deadline) {
                if (healthy(port)) {
                    sleep(2000);
                    Runtime.getRuntime().halt(STATUS);
                }
                sleep(250);
            }
        }, "crashing-activator");
        t.setDaemon(true);
        t.start();
    }

    private static boolean healthy(String port) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/ntmgate/health").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200
                        && new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("\"status\":\"ok\"");
            } finally {
                c.disconnect();
            }
        } catch (java.io.IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void stop(BundleContext context) {
        // the thread is a daemon; the JVM's exit ends it
    }
}
