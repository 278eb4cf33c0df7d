package org.ntmgate.lifecycle.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.ntmgate.api.health.RoleStatus;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * {@code GET /ntmgate/health} on the console's HTTP server (localhost by default): 200 and {@code "status":"ok"}
 * when every bundle (fragments aside) is active, every role's {@link RoleStatus} says it serves, every configured role (an ntmgate component whose configuration
 * is required and present) is satisfied, and no ntmgate component failed to activate; otherwise 503 with what is
 * wrong. (Helpers of a role that is not configured, such as its Gogo commands, wait unsatisfied: that is normal.) The upgrade tool's health check (docs/image.md) reads it.
 * It names bundles and components and nothing else, so it needs no password.
 */
final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PATH = "/ntmgate/health";
    private final transient BundleContext context;

    private HealthServlet(BundleContext context) {
        this.context = context;
    }

    /** Registers the servlet with the HTTP whiteboard; null when the servlet API is absent. */
    static ServiceRegistration<?> register(BundleContext context) {
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("osgi.http.whiteboard.servlet.pattern", PATH);
        props.put("osgi.http.whiteboard.servlet.name", "ntmgate-health");
        return context.registerService(Servlet.class, new HealthServlet(context), props);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> problems = problems();
        resp.setStatus(problems.isEmpty() ? 200 : 503);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        StringBuilder sb = new StringBuilder("{\"status\":\"").append(problems.isEmpty() ? "ok" : "failing").append("\",\"version\":\"")
                .append(json(String.valueOf(context.getProperty("ntmgate.image.version")))).append("\",\"bundles\":")
                .append(context.getBundles().length).append(",\"problems\":[");
        for (int i = 0; i < problems.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(json(problems.get(i))).append('"');
        }
        resp.getWriter().write(sb.append("]}\n").toString());
    }

    List<String> problems() {
        List<String> out = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getHeaders("").get(Constants.FRAGMENT_HOST) == null && b.getState() != Bundle.ACTIVE) {
                out.add("bundle " + b.getSymbolicName() + " " + b.getVersion() + " is " + state(b.getState()));
            }
        }
        try {
            for (ServiceReference<RoleStatus> r : context.getServiceReferences(RoleStatus.class, null)) {
                RoleStatus role = context.getService(r);
                if (role != null) {
                    try {
                        if (!role.serving()) {
                            out.add("role " + role.role() + " is configured but not serving: " + role.detail());
                        }
                    } finally {
                        context.ungetService(r);
                    }
                }
            }
        } catch (org.osgi.framework.InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
        ServiceReference<ServiceComponentRuntime> ref = context.getServiceReference(ServiceComponentRuntime.class);
        if (ref == null) {
            out.add("no Declarative Services runtime");
            return out;
        }
        ServiceComponentRuntime scr = context.getService(ref);
        try {
            for (ComponentDescriptionDTO d : scr.getComponentDescriptionDTOs()) {
                if (!d.bundle.symbolicName.startsWith("org.ntmgate.") || !scr.isComponentEnabled(d)) {
                    continue;
                }
                for (ComponentConfigurationDTO c : scr.getComponentConfigurationDTOs(d)) {
                    if (c.state == ComponentConfigurationDTO.UNSATISFIED_REFERENCE && "require".equals(d.configurationPolicy)) {
                        out.add("component " + d.name + " lacks " + Arrays.toString(Arrays.stream(c.unsatisfiedReferences).map(r -> r.name).toArray()));
                    } else if (c.state == ComponentConfigurationDTO.FAILED_ACTIVATION) {
                        out.add("component " + d.name + " failed to activate: " + c.failure);
                    }
                }
            }
        } finally {
            context.ungetService(ref);
        }
        return out;
    }

    private static String state(int s) {
        return switch (s) {
            case Bundle.INSTALLED -> "INSTALLED (not resolved)";
            case Bundle.RESOLVED -> "RESOLVED (not started)";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            default -> "in state " + s;
        };
    }

    private static String json(String s) {
        StringBuilder sb = new StringBuilder();
        for (char ch : s.toCharArray()) {
            if (ch == '"' || ch == '\\') {
                sb.append('\\').append(ch);
            } else if (ch < 0x20) {
                sb.append(String.format("\\u%04x", (int) ch));
            } else {
                sb.append(ch);
            }
        }
        return sb.toString();
    }
}
