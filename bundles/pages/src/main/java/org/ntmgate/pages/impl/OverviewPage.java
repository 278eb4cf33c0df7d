package org.ntmgate.pages.impl;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.health.GatewayHealth;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.role.GatewayRoles;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

/**
 * Overview: each role (configured or not, serving or not and why, since when, its bundle's version), the
 * translation table's size against its capacity, the gateway's health in one word with its reasons, version,
 * uptime and memory, and the RS-N's and the node's packet and byte counters, which the page turns into rates.
 */
@Component(service = Page.class)
@Page.Info(name = "overview", title = "Overview")
public class OverviewPage extends GatewayPage {
    /** Null outside a framework (the pages' fixture): bundle versions are then unknown. */
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }

    @Override
    public JsonObject read(Query query) {
        JsonArrayBuilder list = Json.array();
        for (GatewayRoles.Info r : GatewayRoles.ALL) {
            list.add(role(r, gateway.role(r.name())));
        }
        GatewayHealth h = gateway.get(GatewayHealth.class);
        List<String> problems = h == null ? List.of("the lifecycle bundle (org.ntmgate.lifecycle) is not running: health is unknown") : h.problems();
        TranslationTable t = gateway.get(TranslationTable.class);
        TableStatistics s = t == null ? null : t.statistics();
        Runtime rt = Runtime.getRuntime();
        return Json.of(
                "health", problems.isEmpty() ? "healthy" : "degraded",
                "problems", problems,
                "version", h == null ? bundleVersion("org.ntmgate.lifecycle") : h.version(),
                "uptimeSeconds", Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()).toSeconds(),
                "memory", Json.of("usedBytes", rt.totalMemory() - rt.freeMemory(), "committedBytes", rt.totalMemory(), "maxBytes", rt.maxMemory()),
                "table", s == null ? null : Json.of("size", s.size(), "capacity", s.capacity(), "inserted", s.inserted(), "expired", s.expired(),
                        "refusedFull", s.refusedFull()),
                "roles", list,
                "traffic", Json.of("rsn", traffic(gateway.role("rsn")), "node", traffic(gateway.role("node"))),
                "now", java.time.Instant.now()).build();
    }

    private jakarta.json.JsonObjectBuilder role(GatewayRoles.Info r, RoleStatus status) {
        String refusal = gateway.refusal(r.pid());
        boolean configured = status != null || gateway.stored(r.pid());
        String state;
        String detail;
        if (status != null && status.serving()) {
            state = "serving";
            detail = status.detail();
        } else if (status != null) {
            state = "not serving";
            detail = status.detail();
        } else if (configured) {
            state = "not active";
            detail = "configured (PID " + r.pid() + ") but its component is not running: see the health problems";
        } else {
            state = "not configured";
            detail = refusal != null ? "its configuration was refused" : "no configuration of PID " + r.pid();
        }
        return Json.of("role", r.name(), "title", r.title(), "pid", r.pid(), "configured", configured, "state", state, "detail", detail,
                "since", status == null ? null : status.since(), "refusal", refusal, "bundle", r.bundle(), "version", bundleVersion(r.bundle()));
    }

    /** Totals so far; the page takes the difference between two reads for the rate. */
    private static Object traffic(RoleStatus role) {
        if (role == null) {
            return null;
        }
        RoleCounters c = role.counters();
        return Json.of("packets", sum(c.packets()), "bytes", sum(c.bytes()), "dropped", sum(c.drops()));
    }

    private static long sum(Map<String, Long> m) {
        return m.values().stream().mapToLong(Long::longValue).sum();
    }

    private String bundleVersion(String symbolicName) {
        if (context == null) {
            return null;
        }
        for (Bundle b : context.getBundles()) {
            if (symbolicName.equals(b.getSymbolicName())) {
                return b.getVersion().toString();
            }
        }
        return null;
    }
}
