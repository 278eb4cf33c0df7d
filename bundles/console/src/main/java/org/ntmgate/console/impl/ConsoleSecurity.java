package org.ntmgate.console.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.annotation.bundle.Header;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.cm.ManagedService;
import org.osgi.util.tracker.ServiceTracker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web Console's login: a console {@link SecurityProvider} with id {@value #PROVIDER_ID}, which the runtime names
 * as required (framework property {@code felix.webconsole.security.providers}), so the console shows no page at all
 * until this provider is registered, and then only to the login in PID {@value ConsoleCredentials#PID}
 * ({@link ConsoleCredentials}). HTTP Basic, as the console's own login. Registered once ConfigurationAdmin has
 * given the stored login (see {@link #begin} for when exactly); later changes to the PID (the console's Configuration
 * page, a .cfg file) apply at once.
 *
 * <p>A plain activator, not a DS component: it starts with the console, before SCR has to be running.
 */
@Header(name = Constants.BUNDLE_ACTIVATOR, value = "${@class}")
public final class ConsoleSecurity implements BundleActivator {
    static final String PROVIDER_ID = "ntmgate";
    static final String REALM = "ntmgate gateway";
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleSecurity.class);

    private ServiceTracker<Object, Object> configAdmin;
    private ServiceTracker<Object, Object> consoleConfig;
    private volatile ServiceRegistration<?> provider;
    private volatile ServiceRegistration<?> managed;
    private volatile ServiceRegistration<?> listener;
    private BundleContext context;
    private final Basic basic = new Basic();
    /** Set by the trackers before they call {@link #begin}. */
    private volatile ConfigurationAdmin ca;
    private volatile boolean consoleReady;
    private ServiceRegistration<?> originCheck;
    private volatile ServiceRegistration<?> guardRegistration;
    private PlainHttpGuard guard;
    private final JettyFallback jettyFallback = new JettyFallback();

    @Override
    public void start(BundleContext context) throws InvalidSyntaxException {
        this.context = context;
        configAdmin = onAdding("(" + Constants.OBJECTCLASS + "=" + ConfigurationAdmin.class.getName() + ")",
                s -> ca = (ConfigurationAdmin) s);
        // the console's own ManagedService: ours is registered after it (see begin)
        consoleConfig = onAdding("(&(" + Constants.OBJECTCLASS + "=" + ManagedService.class.getName() + ")(" + Constants.SERVICE_PID + "="
                + ConsoleCredentials.WEBCONSOLE_PID + "))", s -> consoleReady = true);
        // the guard first: the trackers below may begin at once, and begin tells the guard where HTTPS is
        guard = PlainHttpGuard.register(context, r -> guardRegistration = r);
        basic.guard = guard;
        originCheck = ConsoleOriginCheck.register(context);
        configAdmin.open();
        consoleConfig.open();
        jettyFallback.start(() -> ca);
    }

    /** A tracker that notes each service it gets, then tries {@link #begin} (a tracker's new service is not yet tracked). */
    private ServiceTracker<Object, Object> onAdding(String filter, java.util.function.Consumer<Object> note) throws InvalidSyntaxException {
        return new ServiceTracker<>(context, context.createFilter(filter), null) {
            @Override
            public Object addingService(ServiceReference<Object> reference) {
                Object service = super.addingService(reference);
                if (service != null) {
                    note.accept(service);
                    begin();
                }
                return service;
            }
        };
    }

    /**
     * Once ConfigurationAdmin and the console's own ManagedService are there: reads (or makes) the login and registers
     * our ManagedService; the provider follows from its first delivery. Felix ConfigAdmin delivers to ManagedServices
     * one at a time in the order they registered, so by then the console has had its own configuration delivery, which
     * takes its pages down and up again; as the console shows no page before our provider exists (it is required), its
     * pages then go up once, already with this login. Were the order ever different, the cost is that one redeployment.
     */
    private synchronized void begin() {
        ConfigurationAdmin ca = this.ca;
        if (managed != null || ca == null || !consoleReady) {
            return;
        }
        try {
            basic.login = ConsoleCredentials.load(context, ca, basic::remember);
        } catch (IOException | RuntimeException e) {
            LOG.error("Web Console: the login could not be read or stored; the console stays closed", e);
            return;
        }
        Hashtable<String, Object> m = new Hashtable<>();
        m.put(Constants.SERVICE_PID, ConsoleCredentials.PID);
        managed = context.registerService(ManagedService.class, props -> {
            basic.updated(this.ca, props); // the ConfigurationAdmin there now (a new build of it replaces the old one)
            registerProvider();
        }, m);
        jettyConfigured(ca);
        // a login that lands in the console's own PID later moves too: ConfigAdmin tells listeners on its own thread
        listener = context.registerService(ConfigurationListener.class, event -> {
            if (PlainHttpGuard.JETTY_PID.equals(event.getPid())) {
                jettyConfigured(this.ca);
            }
            if (event.getType() == ConfigurationEvent.CM_UPDATED && ConsoleCredentials.WEBCONSOLE_PID.equals(event.getPid())) {
                try {
                    ConsoleCredentials.moveIn(this.ca);
                } catch (IOException | RuntimeException e) {
                    LOG.error("Web Console: the login set in {} could not be moved to {}; the previous login stays", ConsoleCredentials.WEBCONSOLE_PID,
                            ConsoleCredentials.PID, e);
                }
            }
        }, null);
    }

    /** Tells the plain-HTTP guard where HTTPS is now (Jetty's configuration). */
    private void jettyConfigured(ConfigurationAdmin ca) {
        try {
            org.osgi.service.cm.Configuration[] c = ca.listConfigurations("(" + Constants.SERVICE_PID + "=" + PlainHttpGuard.JETTY_PID + ")");
            guard.jettyConfigured(c == null || c.length == 0 ? null : c[0].getProperties(), context);
        } catch (IOException | InvalidSyntaxException | RuntimeException e) {
            LOG.error("Web Console: Jetty's configuration could not be read; the HTTPS redirect keeps its last port", e);
        }
    }

    private synchronized void registerProvider() {
        if (provider == null && managed != null) {
            Hashtable<String, Object> p = new Hashtable<>();
            p.put(SecurityProvider.PROPERTY_ID, PROVIDER_ID);
            p.put(Constants.SERVICE_RANKING, 1000);
            provider = context.registerService(SecurityProvider.class, basic, p);
        }
    }

    @Override
    public void stop(BundleContext context) {
        jettyFallback.stop();
        configAdmin.close();
        consoleConfig.close();
        synchronized (this) {
            for (ServiceRegistration<?> r : new ServiceRegistration<?>[] { listener, provider, managed, originCheck, guardRegistration }) {
                if (r != null) {
                    r.unregister();
                }
            }
            listener = null;
            managed = null;
            provider = null;
        }
    }

    /**
     * HTTP Basic against the stored login. Checking a password against its stored hash costs 10,000 SHA-256 digests
     * (about 15 ms of a warm JVM, 0.1-0.2 s of a starting one), and a browser sends the login with every request of
     * a console page (its scripts, styles and images too). So the credentials that last passed that check are
     * remembered as one SHA-256 of a random 32-byte key of this process followed by them, never in plain: a request
     * with the same credentials for the same login is accepted on that one digest; anything else (a wrong password,
     * another login since) takes the full check. A password this bundle generated is remembered from the start
     * ({@link #remember}). (Not javax.crypto's HMAC: its first use costs a starting JVM another 50 ms of JCE set-up,
     * and the digest is never shown to anyone, so a keyed digest compared in full is enough.)
     */
    static final class Basic implements SecurityProvider {
        volatile ConsoleCredentials.Login login;
        /** The login whose credentials last passed, with their keyed digest; null until one did. */
        private volatile Verified verified;
        private final byte[] key = new byte[32];
        final LoginThrottle throttle = new LoginThrottle(System::currentTimeMillis);
        /** Full checks against the stored hash so far (tests). */
        final AtomicInteger fullChecks = new AtomicInteger();

        private record Verified(ConsoleCredentials.Login login, byte[] digest) {
        }

        Basic() {
            new SecureRandom().nextBytes(key);
        }

        /** {@code password} passes {@code login} (a password just generated for it). */
        void remember(ConsoleCredentials.Login login, String password) {
            verified = new Verified(login, keyed(login.username() + ":" + password));
        }

        void updated(ConfigurationAdmin ca, Dictionary<String, ?> props) {
            if (props == null || props.get("password") == null) {
                // deleted: the running login stays; the next start generates a new one
                LOG.warn("Web Console: configuration {} has no password now; the current one stays until the gateway restarts,"
                        + " which generates a new one", ConsoleCredentials.PID);
                return;
            }
            ConsoleCredentials.Login now = login;
            if (now != null && now.password().equals(props.get("password"))
                    && now.username().equals(props.get("username") == null ? ConsoleCredentials.USERNAME : props.get("username"))) {
                return; // what start-up read (ConfigurationAdmin delivers it once more)
            }
            try {
                @SuppressWarnings("unchecked")
                Dictionary<String, Object> d = (Dictionary<String, Object>) props;
                login = ConsoleCredentials.hashedIfPlain(ca.getConfiguration(ConsoleCredentials.PID, "?"), d,
                        "configuration " + ConsoleCredentials.PID);
            } catch (IOException | RuntimeException e) {
                LOG.error("Web Console: the new login in {} could not be stored; the previous one stays", ConsoleCredentials.PID, e);
            }
        }

        /**
         * The login, slowed down after repeated wrong passwords from one address ({@link LoginThrottle}): a try
         * within the wait is answered 429 with {@code Retry-After} and not checked.
         */
        /** Asked first: plain HTTP from another host is redirected before any login (set at start). */
        volatile PlainHttpGuard guard;

        @Override
        public Object authenticate(HttpServletRequest request, HttpServletResponse response) {
            PlainHttpGuard g = guard;
            try {
                if (g != null && g.answered(request, response)) {
                    return null; // plain HTTP from another host: redirected to HTTPS before any login is asked for or checked
                }
            } catch (IOException e) {
                return null;
            }
            String header = request.getHeader("Authorization");
            String client = request.getRemoteAddr();
            long wait = header == null ? 0 : throttle.waitMillis(client);
            if (wait > 0) {
                response.setHeader("Retry-After", Long.toString((wait + 999) / 1000));
                answer(response, 429);
                return null;
            }
            String user = check(header);
            if (user != null) {
                throttle.passed(client);
                request.setAttribute("org.osgi.service.http.authentication.type", "BASIC");
                request.setAttribute("org.osgi.service.http.authentication.remote.user", user);
                return user;
            }
            if (header != null) {
                int n = throttle.failed(client);
                if (n == LoginThrottle.FREE_FAILURES || n % 20 == 0) {
                    LOG.warn("Web Console: {} wrong logins in a row from {}; each further try from there waits longer (up to {} s)", n, client,
                            LoginThrottle.MAX_WAIT_SECONDS);
                }
            }
            response.setHeader("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
            answer(response, HttpServletResponse.SC_UNAUTHORIZED);
            return null;
        }

        private static void answer(HttpServletResponse response, int status) {
            response.setStatus(status);
            response.setContentLength(0);
            try {
                response.flushBuffer();
            } catch (java.io.IOException e) {
                // the client went away
            }
        }

        /** The user an {@code Authorization: Basic} header proves to be, or null. */
        String check(String header) {
            ConsoleCredentials.Login login = this.login;
            if (header == null || login == null) {
                return null;
            }
            String h = header.trim();
            int space = h.indexOf(' ');
            if (space < 0 || !h.substring(0, space).equalsIgnoreCase("Basic")) {
                return null;
            }
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(h.substring(space + 1).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null;
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            String user = decoded.substring(0, colon);
            byte[] digest = keyed(decoded);
            Verified v = verified;
            if (v != null && v.login() == login && MessageDigest.isEqual(v.digest(), digest)) {
                return user;
            }
            fullChecks.incrementAndGet();
            if (!login.accepts(user, decoded.substring(colon + 1))) {
                return null;
            }
            verified = new Verified(login, digest);
            return user;
        }

        private byte[] keyed(String credentials) {
            try {
                MessageDigest md = MessageDigest.getInstance("SHA-256");
                md.update(key);
                return md.digest(credentials.getBytes(StandardCharsets.UTF_8));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java 17 runtime has SHA-256", e);
            }
        }

        @Override
        public boolean authorize(Object user, String role) {
            return user != null; // one administrator, who may do everything
        }

        @Override
        public void logout(HttpServletRequest request, HttpServletResponse response) {
            // HTTP Basic has no session to end: the browser forgets the login when it is closed
        }
    }
}
