package org.ntmgate.console.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Dictionary;
import java.util.Hashtable;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's login travels in HTTP Basic with every request, so it must not cross a network in clear: in front of
 * every console servlet and the default context (the JSON API, /metrics), a plain HTTP request from any address but
 * the host's own (loopback) gets no page: a redirect (308, any method) to the same path over HTTPS while HTTPS is on,
 * a refusal (403) saying so while it is off. Answers over HTTPS carry {@code Strict-Transport-Security}, so a browser
 * that has been there once goes to HTTPS by itself. The HTTPS port is Jetty's configuration's (PID
 * {@code org.apache.felix.http}, where the TLS bundle puts it), else the framework property's.
 */
final class PlainHttpGuard implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(PlainHttpGuard.class);
    static final String JETTY_PID = "org.apache.felix.http";
    static final String HSTS = "max-age=31536000";
    /** The HTTPS port, 0 while HTTPS is off. */
    private volatile int securePort;

    static PlainHttpGuard register(BundleContext context, java.util.function.Consumer<ServiceRegistration<?>> registered) {
        PlainHttpGuard g = new PlainHttpGuard();
        g.securePort = port(null, context);
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.filter.name", "ntmgate-console-plain-http-guard");
        props.put("osgi.http.whiteboard.filter.pattern", "/*");
        props.put("osgi.http.whiteboard.context.select", "(|(osgi.http.whiteboard.context.name=" + ConsoleOriginCheck.CONSOLE_CONTEXT
                + ")(osgi.http.whiteboard.context.name=default))");
        props.put(Constants.SERVICE_RANKING, 2000); // before the origin check and the login
        registered.accept(context.registerService(Filter.class, g, props));
        return g;
    }

    /** Jetty's configuration changed (null: there is none): where HTTPS is now. */
    void jettyConfigured(Dictionary<String, Object> jetty, BundleContext context) {
        securePort = port(jetty, context);
    }

    /** The HTTPS port that {@code jetty}'s configuration, else the framework's properties, give; 0 when HTTPS is off. */
    static int port(Dictionary<String, Object> jetty, BundleContext context) {
        String enabled = value(jetty, context, "org.apache.felix.https.enable");
        if (!"true".equalsIgnoreCase(enabled)) {
            return 0;
        }
        String port = value(jetty, context, "org.osgi.service.http.port.secure");
        try {
            return port == null ? 8443 : Integer.parseInt(port.trim());
        } catch (NumberFormatException e) {
            return 8443;
        }
    }

    private static String value(Dictionary<String, Object> jetty, BundleContext context, String key) {
        Object v = jetty == null ? null : jetty.get(key);
        return v != null ? String.valueOf(v) : context.getProperty(key);
    }

    /** Where a plain request for {@code uri} from a browser that asked for {@code serverName} goes over HTTPS. */
    static String secureLocation(String serverName, int port, String uri, String query) {
        String host = serverName.contains(":") && !serverName.startsWith("[") ? "[" + serverName + "]" : serverName;
        return "https://" + host + (port == 443 ? "" : ":" + port) + uri + (query == null ? "" : "?" + query);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        if (!answered((HttpServletRequest) request, (HttpServletResponse) response)) {
            chain.doFilter(request, response);
        }
    }

    /**
     * Answers a plain HTTP request from another host (true: nothing else may be done with it); adds HSTS to an HTTPS
     * answer. Called by the filter and, first of all, by the console's login, which the console's context asks before
     * any filter runs: so a browser is never asked for the login over plain HTTP.
     */
    boolean answered(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.isSecure()) {
            resp.setHeader("Strict-Transport-Security", HSTS);
            return false;
        }
        if (InetAddress.getByName(req.getRemoteAddr()).isLoopbackAddress()) { // an address literal: no lookup
            return false;
        }
        int port = securePort;
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        if (port > 0) {
            String to = secureLocation(req.getServerName(), port, req.getRequestURI(), req.getQueryString());
            resp.setStatus(308);
            resp.setHeader("Location", to);
            resp.getWriter().write("the console is served over HTTPS: " + to + "\n");
        } else {
            LOG.warn("Web Console: refused plain HTTP from {} ({} {}): HTTPS is off", req.getRemoteAddr(), req.getMethod(), req.getRequestURI());
            resp.setStatus(403);
            resp.getWriter().write("refused: from another host the console answers only over HTTPS, and HTTPS is off (PID org.ntmgate.console.tls)\n");
        }
        return true;
    }
}
