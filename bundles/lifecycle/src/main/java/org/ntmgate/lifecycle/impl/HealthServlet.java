package org.ntmgate.lifecycle.impl;

import org.ntmgate.api.health.GatewayHealth;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import java.io.IOException;
import java.util.List;

import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.osgi.framework.BundleContext;

/**
 * {@code GET /ntmgate/health} on the console's HTTP server (localhost by default): 200 and {@code "status":"ok"}
 * when every bundle (fragments aside) is active, every role's {@link RoleStatus} says it serves, every configured role (an ntmgate component whose configuration
 * is required and present) is satisfied, and no ntmgate component failed to activate; otherwise 503 with what is
 * wrong. (Helpers of a role that is not configured, such as its Gogo commands, wait unsatisfied: that is normal.) The upgrade tool's health check (docs/image.md) reads it.
 * It names bundles and components and nothing else, so it needs no password.
 */
@Component(service = Servlet.class, property = { "osgi.http.whiteboard.servlet.pattern=" + HealthServlet.PATH,
        "osgi.http.whiteboard.servlet.name=ntmgate-health" })
public final class HealthServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PATH = "/ntmgate/health";
    private transient volatile BundleContext context;
    @Reference
    private transient GatewayHealth checks;

    @Activate
    void activate(BundleContext c) {
        this.context = c;
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        List<String> problems = checks.problems();
        resp.setStatus(problems.isEmpty() ? 200 : 503);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        StringBuilder sb = new StringBuilder("{\"status\":\"").append(problems.isEmpty() ? "ok" : "failing").append("\",\"version\":\"")
                .append(json(checks.version())).append("\",\"bundles\":")
                .append(context.getBundles().length).append(",\"problems\":[");
        for (int i = 0; i < problems.size(); i++) {
            sb.append(i == 0 ? "" : ",").append('"').append(json(problems.get(i))).append('"');
        }
        resp.getWriter().write(sb.append("]}\n").toString());
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
