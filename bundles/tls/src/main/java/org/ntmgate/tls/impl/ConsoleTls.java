package org.ntmgate.tls.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.ntmgate.api.health.HealthProblems;
import org.ntmgate.storage.AtomicFile;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTPS for everything the console's Jetty serves. Picks the certificate (the configured keystore when it opens and
 * its certificate is valid, else the gateway's own, {@link OwnCertificate}) and gives it to Felix's Jetty through its
 * configuration PID {@code org.apache.felix.http} (HTTPS on, the port, the keystore, TLS 1.3 and 1.2 only, AEAD
 * suites with forward secrecy only); Jetty restarts its connectors when that configuration changes, and only then.
 * The configured keystore is checked every {@code checkSeconds}: a new file is served at once (rotation without a
 * restart of the gateway); an unreadable or expired one is a log line and a health problem, and the gateway's own
 * certificate is served meanwhile. The served certificate's SHA-256 fingerprint goes to the log and to
 * {@code console-certificate} beside {@code console-password} in the gateway's home.
 */
@Component(service = HealthProblems.class, immediate = true, configurationPid = ConsoleTls.PID)
@Designate(ocd = TlsConfig.class)
public class ConsoleTls implements HealthProblems {
    static final String PID = "org.ntmgate.console.tls";
    static final String JETTY_PID = "org.apache.felix.http";
    static final String PROTOCOLS = "TLSv1.3,TLSv1.2";
    /** TLS 1.3's suites and TLS 1.2's ECDHE with AES-GCM or ChaCha20-Poly1305: forward secrecy and AEAD only. */
    static final String SUITES = String.join(",", "TLS_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleTls.class);

    @Reference
    private ConfigurationAdmin ca;
    private BundleContext context;
    private ScheduledExecutorService timer;
    private ScheduledFuture<?> check;
    private TlsConfig config;
    private volatile String problem;
    /** What Jetty serves now, and the configured keystore's file as last seen (modified time and size). */
    private Keystores.Served served;
    private String seen;

    @Activate
    void activate(BundleContext context, TlsConfig config) {
        this.context = context;
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "ntmgate-tls");
            t.setDaemon(true);
            return t;
        });
        configure(config);
    }

    @Modified
    synchronized void configure(TlsConfig config) {
        this.config = config;
        seen = null;
        if (check != null) {
            check.cancel(false);
        }
        if (check == null && seen == null && served == null) {
            check(); // at activation, at once: Jetty waits for its configuration (org.apache.felix.http.require.config)
        } else {
            timer.execute(this::check);
        }
        if (config.enabled() && !config.keystore().isBlank()) {
            int every = Math.max(1, Math.min(3600, config.checkSeconds()));
            check = timer.scheduleWithFixedDelay(this::check, every, every, TimeUnit.SECONDS);
        }
    }

    @Deactivate
    void deactivate() {
        timer.shutdownNow();
    }

    @Override
    public List<String> problems() {
        String p = problem;
        return p == null ? List.of() : List.of(p);
    }

    /** Serves what the configuration says, if it is not served already. On the timer thread. */
    private synchronized void check() {
        try {
            TlsConfig c = config;
            if (!c.enabled()) {
                problem = null;
                jetty(null, 0);
                return;
            }
            int port = port(c);
            if (c.keystore().isBlank()) {
                problem = null;
                serveOwn(c, port, "the gateway's own certificate");
                return;
            }
            Path file = Path.of(c.keystore()).toAbsolutePath();
            String now = Files.exists(file) ? Files.getLastModifiedTime(file).toMillis() + "/" + Files.size(file) : "absent";
            if (now.equals(seen)) {
                return;
            }
            seen = now;
            try {
                Keystores.Served s = Keystores.open(file, c.keystoreType(), c.keystorePassword(), c.keyPassword());
                problem = null;
                serve(s, port, "keystore " + file);
            } catch (Keystores.Unusable e) {
                problem = "console HTTPS: " + e.getMessage() + "; the gateway's own certificate is served instead";
                LOG.error("Console HTTPS: {}; serving the gateway's own certificate until it is fixed", e.getMessage());
                serveOwn(c, port, "the gateway's own certificate (the configured keystore is unusable)");
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problem = "console HTTPS could not be set up: " + e.getMessage();
            LOG.error("Console HTTPS could not be set up", e);
        }
    }

    private void serveOwn(TlsConfig c, int port, String what) throws IOException, GeneralSecurityException {
        OwnCertificate own = new OwnCertificate(tlsDir());
        if (served != null && served.file().equals(own.keystore()) && jettyServes(served, port)) {
            return;
        }
        Keystores.Served stored = served == null ? own.stored() : null;
        if (stored != null && jettyServes(stored, port)) {
            // a restart: Jetty starts with it already; the keystore itself is checked off the start's path
            serve(stored, port, what);
            timer.execute(() -> verifyOwn(c, port, what));
            return;
        }
        OwnCertificate.Loaded l = own.loadOrMake(Arrays.asList(c.hostNames()));
        if (l.made()) {
            LOG.info("Console HTTPS: made the gateway's own key pair and self-signed certificate in {} (SHA-256 fingerprint {})", own.keystore(),
                    l.served().fingerprint());
        }
        serve(l.served(), port, what);
    }

    /** After a start from {@link OwnCertificate#stored}: opens the keystore; one that does not open is made again and served. */
    private synchronized void verifyOwn(TlsConfig c, int port, String what) {
        try {
            OwnCertificate.Loaded l = new OwnCertificate(tlsDir()).loadOrMake(Arrays.asList(c.hostNames()));
            if (l.made() || served == null || !l.served().fingerprint().equals(served.fingerprint())) {
                LOG.warn("Console HTTPS: the gateway's own keystore did not open as stored; made a new key pair and certificate (SHA-256 fingerprint {})",
                        l.served().fingerprint());
                serve(l.served(), port, what);
            }
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            problem = "console HTTPS could not be set up: " + e.getMessage();
            LOG.error("Console HTTPS could not be set up", e);
        }
    }

    private void serve(Keystores.Served s, int port, String what) throws IOException {
        served = s;
        boolean changed = jetty(s, port);
        writeFingerprint(s, port);
        LOG.info("Console HTTPS {} port {} with {}: SHA-256 fingerprint {}", changed ? "now on" : "on", port, what, s.fingerprint());
    }

    private boolean jettyServes(Keystores.Served s, int port) throws IOException {
        Dictionary<String, Object> p = ca.getConfiguration(JETTY_PID, "?").getProperties();
        return p != null && wanted(p, s, port).equals(mine(p));
    }

    /** Puts HTTPS with {@code s} (null: HTTPS off) into Jetty's configuration; true when that changed it. */
    private boolean jetty(Keystores.Served s, int port) throws IOException {
        Configuration cfg = ca.getConfiguration(JETTY_PID, "?");
        Dictionary<String, Object> p = cfg.getProperties() == null ? new Hashtable<>() : cfg.getProperties();
        Map<String, Object> want = wanted(p, s, port);
        if (want.equals(mine(p))) {
            return false;
        }
        for (String k : KEYS) {
            p.remove(k);
        }
        want.forEach(p::put);
        cfg.update(p);
        return true;
    }

    /** The served certificate's fingerprint: a new certificate in the same file changes Jetty's configuration, so Jetty reads it. */
    static final String CERTIFICATE_KEY = "ntmgate.tls.certificate";
    private static final List<String> KEYS = List.of("org.apache.felix.https.enable", "org.osgi.service.http.port.secure", "org.apache.felix.https.keystore",
            "org.apache.felix.https.keystore.password", "org.apache.felix.https.keystore.key.password", "org.apache.felix.https.keystore.type",
            "org.apache.felix.https.jetty.protocols.included", "org.apache.felix.https.jetty.ciphersuites.included", CERTIFICATE_KEY);

    private static Map<String, Object> mine(Dictionary<String, Object> p) {
        Map<String, Object> m = new java.util.TreeMap<>();
        for (String k : KEYS) {
            if (p.get(k) != null) {
                m.put(k, String.valueOf(p.get(k)));
            }
        }
        return m;
    }

    private static Map<String, Object> wanted(Dictionary<String, Object> p, Keystores.Served s, int port) {
        Map<String, Object> m = new java.util.TreeMap<>();
        if (s == null) {
            m.put("org.apache.felix.https.enable", "false");
            return m;
        }
        m.put("org.apache.felix.https.enable", "true");
        m.put("org.osgi.service.http.port.secure", Integer.toString(port));
        m.put("org.apache.felix.https.keystore", s.file().toString());
        m.put("org.apache.felix.https.keystore.password", s.password());
        m.put("org.apache.felix.https.keystore.key.password", s.keyPassword());
        m.put("org.apache.felix.https.keystore.type", s.type());
        m.put("org.apache.felix.https.jetty.protocols.included", PROTOCOLS);
        m.put("org.apache.felix.https.jetty.ciphersuites.included", SUITES);
        m.put(CERTIFICATE_KEY, s.fingerprint());
        return m;
    }

    private int port(TlsConfig c) {
        if (c.port() > 0) {
            return c.port();
        }
        String p = context.getProperty("org.osgi.service.http.port.secure");
        try {
            return p == null ? 8443 : Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            return 8443;
        }
    }

    private Path tlsDir() {
        return Path.of(Objects.requireNonNullElse(context.getProperty("ntmgate.tls.dir"), "tls")).toAbsolutePath();
    }

    /** {@code console-certificate} beside {@code console-password}: what the console serves, for an admin's first connection. */
    private void writeFingerprint(Keystores.Served s, int port) throws IOException {
        String pw = Objects.requireNonNullElse(context.getProperty("ntmgate.console.password.file"), "console-password");
        Path file = Path.of(pw).toAbsolutePath().resolveSibling("console-certificate");
        String text = "# The certificate the console serves over HTTPS (port " + port + "): check it the first time you connect.\n"
                + "fingerprint=" + s.fingerprint() + "\nsubject=" + s.certificate().getSubjectX500Principal().getName() + "\nnotAfter="
                + s.certificate().getNotAfter().toInstant() + "\nkeystore=" + s.file() + "\n";
        if (Files.exists(file) && Files.readString(file, StandardCharsets.UTF_8).equals(text)) {
            return;
        }
        AtomicFile.write(file, out -> out.write(text.getBytes(StandardCharsets.UTF_8)), PosixFilePermissions.fromString("rw-r--r--"));
    }
}
