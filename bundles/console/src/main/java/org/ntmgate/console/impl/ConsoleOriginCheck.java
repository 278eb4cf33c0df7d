package org.ntmgate.console.impl;

import java.io.IOException;
import java.net.URI;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Set;

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
 * The Web Console has no protection against cross-site request forgery, and a browser resends the console's Basic
 * credentials with a request another site's page makes it send. This whiteboard filter, in front of every console
 * servlet (stock pages and ntmgate's alike) and every servlet of the default context (the JSON API), refuses a write (any method but GET, HEAD, OPTIONS) that a browser says
 * comes from another site: {@code Sec-Fetch-Site} other than {@code same-origin} or {@code none}, or an
 * {@code Origin} whose host and port are not the request's own {@code Host}. Clients that are not browsers send
 * neither header and are not affected (they hold the credentials themselves).
 */
final class ConsoleOriginCheck implements Filter {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleOriginCheck.class);
    /** The Web Console's servlet context (its ServletContextHelper's name). */
    static final String CONSOLE_CONTEXT = "org.apache.felix.webconsole";
    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    static ServiceRegistration<?> register(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.filter.name", "ntmgate-console-origin-check");
        props.put("osgi.http.whiteboard.filter.pattern", "/*");
        // the console and the default context: the JSON API (/ntmgate/api/v1) and /metrics share the console's login
        props.put("osgi.http.whiteboard.context.select", "(|(osgi.http.whiteboard.context.name=" + CONSOLE_CONTEXT + ")(osgi.http.whiteboard.context.name=default))");
        props.put(Constants.SERVICE_RANKING, 1000); // before every other console filter (the upload swap)
        return context.registerService(Filter.class, new ConsoleOriginCheck(), props);
    }

    /** Why a request is a cross-site write, or null when it is not. */
    static String crossSite(String method, String host, String origin, String fetchSite) {
        if (READS.contains(method.toUpperCase(Locale.ROOT))) {
            return null;
        }
        if (fetchSite != null && !fetchSite.equals("same-origin") && !fetchSite.equals("none")) {
            return "the browser marks it Sec-Fetch-Site: " + fetchSite;
        }
        if (origin != null) {
            String authority;
            try {
                authority = "null".equals(origin) ? null : URI.create(origin).getRawAuthority();
            } catch (IllegalArgumentException e) {
                authority = null;
            }
            if (authority == null || host == null || !authority.equalsIgnoreCase(host)) {
                return "it comes from " + origin + ", not from " + host;
            }
        }
        return null;
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String why = crossSite(req.getMethod(), req.getHeader("Host"), req.getHeader("Origin"), req.getHeader("Sec-Fetch-Site"));
        if (why == null) {
            chain.doFilter(request, response);
            return;
        }
        LOG.warn("Web Console: refused a cross-site {} to {} from {}: {}", req.getMethod(), req.getRequestURI(), req.getRemoteAddr(), why);
        HttpServletResponse resp = (HttpServletResponse) response;
        resp.setStatus(403);
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().write("refused: a change to the console must come from the console's own pages (" + why + ")\n");
    }
}
