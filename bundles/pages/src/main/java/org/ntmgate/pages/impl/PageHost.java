package org.ntmgate.pages.impl;

import java.util.Hashtable;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.servlet.Servlet;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Puts every {@link Page} in two places: the Web Console (a plugin servlet in category "ntmgate", label
 * {@code ntmgate-<name>}) and the JSON API ({@link ApiServlet}, which this component registers on the HTTP
 * whiteboard). Pages come and go with their components; the API always lists the pages there now. The console's
 * root opens on the Overview ({@link ConsoleLanding}).
 */
@Component(immediate = true)
public class PageHost {
    private final Map<String, Page> pages = new ConcurrentHashMap<>();
    private final Map<Page, ServiceRegistration<?>> consolePages = new ConcurrentHashMap<>();
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + SecurityProvider.PROPERTY_ID + "=ntmgate)")
    private volatile SecurityProvider login;
    private volatile BundleContext context;
    private ServiceRegistration<?> api;
    private ServiceRegistration<?> landing;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
        pages.values().forEach(this::register);
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("osgi.http.whiteboard.servlet.pattern", new String[] { ApiServlet.PATH, ApiServlet.PATH + "/*" });
        p.put("osgi.http.whiteboard.servlet.name", "ntmgate-api");
        api = context.registerService(Servlet.class, new ApiServlet(pages::get, this::index, () -> login), p);
        landing = ConsoleLanding.register(context, () -> pages.containsKey("overview"));
    }

    @Deactivate
    void deactivate() {
        api.unregister();
        landing.unregister();
        consolePages.values().forEach(ServiceRegistration::unregister);
        consolePages.clear();
        context = null;
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    void addPage(Page page) {
        pages.put(page.name(), page);
        if (context != null) {
            register(page);
        }
    }

    void removePage(Page page) {
        pages.remove(page.name(), page);
        ServiceRegistration<?> r = consolePages.remove(page);
        if (r != null) {
            r.unregister();
        }
    }

    private synchronized void register(Page page) {
        BundleContext c = context;
        if (c == null || consolePages.containsKey(page)) {
            return;
        }
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("felix.webconsole.label", PageServlet.label(page));
        p.put("felix.webconsole.title", page.title());
        p.put("felix.webconsole.category", PageServlet.CATEGORY);
        consolePages.put(page, c.registerService(Servlet.class, new PageServlet(page), p));
    }

    private Map<String, String> index() {
        Map<String, String> m = new TreeMap<>();
        pages.values().forEach(p -> m.put(p.name(), p.title()));
        return m;
    }
}
