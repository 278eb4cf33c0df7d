package org.ntmgate.pages.impl;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.GatewayHealth;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationTable;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Overview: each role (configured or not, serving or not and why, since when, its bundle's version), the
 * translation table's size against its capacity, the gateway's health in one word with its reasons, version,
 * uptime and memory, and the RS-N's and the node's packet and byte counters, which the page turns into rates.
 */
@Component(service = Page.class)
@Page.Info(name = "overview", title = "Overview")
public class OverviewPage implements Page {
    /** The roles the gateway can run, in the order the page lists them. */
    record Role(String role, String title, String pid, String bundle) {
    }

    static final List<Role> ROLES = List.of(
            new Role("as", "Account Server", "org.ntmgate.as", "org.ntmgate.as"),
            new Role("dc", "Direction Coordinator", "org.ntmgate.dc", "org.ntmgate.dc"),
            new Role("rsn", "Relay Server (RS-N)", "org.ntmgate.rsn", "org.ntmgate.rsn"),
            new Role("node", "NTM node", "org.ntmgate.node", "org.ntmgate.node"),
            new Role("teredo-server", "Teredo server", "org.ntmgate.teredo.server", "org.ntmgate.teredo"),
            new Role("teredo-relay", "Teredo relay", "org.ntmgate.teredo.relay", "org.ntmgate.teredo"),
            new Role("teredo-client", "Teredo client", "org.ntmgate.teredo.client", "org.ntmgate.teredo"));

    @Reference
    private Roles roles;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TranslationTable table;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile GatewayHealth health;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;
    private BundleContext context;

    @Activate
    void activate(BundleContext context) {
        this.context = context;
    }


    @Override
    public JsonObject read(Query query) {
        JsonArrayBuilder list = Json.array();
        for (Role r : ROLES) {
            list.add(role(r, roles.get(r.role())));
        }
        GatewayHealth h = health;
        List<String> problems = h == null ? List.of("the lifecycle bundle (org.ntmgate.lifecycle) is not running: health is unknown") : h.problems();
        TranslationTable t = table;
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
                "traffic", Json.of("rsn", traffic(roles.get("rsn")), "node", traffic(roles.get("node"))),
                "now", java.time.Instant.now()).build();
    }

    private jakarta.json.JsonObjectBuilder role(Role r, RoleStatus status) {
        String refusal = records == null ? null : records.refusal(r.pid());
        boolean configured = status != null || records != null && records.stored(r.pid());
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
        return Json.of("role", r.role(), "title", r.title(), "pid", r.pid(), "configured", configured, "state", state, "detail", detail,
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
