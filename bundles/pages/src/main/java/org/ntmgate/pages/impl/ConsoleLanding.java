package org.ntmgate.pages.impl;

import java.io.IOException;
import java.util.Hashtable;
import java.util.function.BooleanSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The console opens on the Overview, not on the stock Bundles page: a GET of the console's root ({@code /system/console},
 * or the framework property {@code felix.webconsole.manager.root}) is redirected to {@code ntmgate-overview} while
 * that page is there. The console's own default page stays what its configuration says for everything else.
 */
final class ConsoleLanding implements Filter {
    private final String root;
    private final BooleanSupplier overviewThere;

    private ConsoleLanding(String root, BooleanSupplier overviewThere) {
        this.root = root;
        this.overviewThere = overviewThere;
    }

    static ServiceRegistration<?> register(BundleContext context, BooleanSupplier overviewThere) {
        String root = context.getProperty("felix.webconsole.manager.root");
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("osgi.http.whiteboard.filter.name", "ntmgate-console-landing");
        p.put("osgi.http.whiteboard.filter.pattern", "/*");
        p.put("osgi.http.whiteboard.context.select", "(osgi.http.whiteboard.context.name=org.apache.felix.webconsole)");
        return context.registerService(Filter.class, new ConsoleLanding(root == null || root.isBlank() ? "/system/console" : root, overviewThere), p);
    }

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        String uri = req.getRequestURI();
        if ("GET".equals(req.getMethod()) && (uri.equals(root) || uri.equals(root + "/")) && overviewThere.getAsBoolean()) {
            ((HttpServletResponse) response).sendRedirect(root + "/ntmgate-overview");
            return;
        }
        chain.doFilter(request, response);
    }
}
