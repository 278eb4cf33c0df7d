package org.ntmgate.pages.impl;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.servlet.Servlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.spi.SecurityProvider;
import org.ntmgate.api.health.LatencyHistogram;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.relay.RelayTunnels;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationTable;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * {@code GET /metrics}: Prometheus' text exposition format, behind the console's login, read from the roles'
 * services at every scrape (nothing is kept here): packets, bytes and drops per role and direction or reason
 * ({@link RoleCounters}), whether each role serves, live tunnels, registered nodes, pool size and use, the
 * translation table's size, capacity and counters, and the DNS answer time of the node's stub as a histogram.
 * Built with Prometheus' own snapshot model and text writer.
 */
@Component(service = Servlet.class, property = { "osgi.http.whiteboard.servlet.pattern=/metrics", "osgi.http.whiteboard.servlet.name=ntmgate-metrics" })
public class MetricsServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    @Reference
    private transient Gateway gateway;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + SecurityProvider.PROPERTY_ID + "=ntmgate)")
    private transient volatile SecurityProvider login;
    private final transient PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!Login.passes(login, req, resp)) {
            return;
        }
        resp.setStatus(200);
        resp.setContentType(writer.getContentType());
        resp.setHeader("Cache-Control", "no-store");
        writer.write(resp.getOutputStream(), snapshots());
    }

    MetricSnapshots snapshots() {
        List<MetricSnapshot> out = new ArrayList<>();
        Map<String, RoleCounters> counters = new java.util.TreeMap<>();
        Map<String, RoleStatus> all = gateway.roles();
        all.forEach((name, r) -> counters.put(name, r.counters()));
        out.add(counter("ntmgate_packets", "Packets a role forwarded, by direction.", counters, RoleCounters::packets, "direction"));
        out.add(counter("ntmgate_bytes", "Bytes of the packets a role forwarded, by direction.", counters, RoleCounters::bytes, "direction"));
        out.add(counter("ntmgate_drops", "Packets or datagrams a role dropped, by reason.", counters, RoleCounters::drops, "reason"));
        GaugeSnapshot.Builder serving = GaugeSnapshot.builder().name("ntmgate_role_serving").help("1 when a configured role serves, 0 when it does not.");
        all.forEach((name, r) -> serving.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(Labels.of("role", name))
                .value(r.serving() ? 1 : 0).build()));
        out.add(serving.build());
        RelayTunnels rt = gateway.get(RelayTunnels.class);
        if (rt != null) {
            out.add(gauge("ntmgate_rsn_tunnels", "Live relayed paths of the RS-N.", rt.tunnels().size()));
        }
        NodeRegistry nr = gateway.get(NodeRegistry.class);
        if (nr != null) {
            out.add(gauge("ntmgate_dc_registered_nodes", "Nodes registered with the Direction Coordinator.", nr.size()));
        }
        VirtualAddressPools vp = gateway.get(VirtualAddressPools.class);
        if (vp != null) {
            GaugeSnapshot.Builder size = GaugeSnapshot.builder().name("ntmgate_pool_addresses").help("Addresses a pool can hand out.");
            GaugeSnapshot.Builder leased = GaugeSnapshot.builder().name("ntmgate_pool_leased").help("Addresses of a pool leased now.");
            for (PoolInfo p : vp.pools()) {
                Labels l = Labels.of("pool", p.name(), "purpose", p.purpose().name().toLowerCase(), "prefix", p.prefix().toString());
                size.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(p.capacity().doubleValue()).build());
                leased.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(l).value(p.leased()).build());
            }
            out.add(size.build());
            out.add(leased.build());
        }
        TranslationTable t = gateway.get(TranslationTable.class);
        if (t != null) {
            TableStatistics s = t.statistics();
            out.add(gauge("ntmgate_table_entries", "Live entries of the translation table.", s.size()));
            out.add(gauge("ntmgate_table_capacity", "The translation table's configured capacity.", s.capacity()));
            CounterSnapshot.Builder c = CounterSnapshot.builder().name("ntmgate_table_events").help("Translation table events since the table service started.");
            Map.of("inserted", s.inserted(), "removed", s.removed(), "expired", s.expired(), "refused_full", s.refusedFull(), "refused_conflict", s.refusedConflict())
                    .forEach((k, v) -> c.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder().labels(Labels.of("event", k)).value(v).build()));
            out.add(c.build());
        }
        HistogramSnapshot.Builder dns = HistogramSnapshot.builder().name("ntmgate_dns_answer_seconds")
                .help("Time from a DNS query's arrival at the node's stub to its answer, whoever answered it.");
        boolean any = false;
        for (Map.Entry<String, RoleCounters> e : counters.entrySet()) {
            LatencyHistogram h = e.getValue().latencies().get("dns_answer");
            if (h != null) {
                double[] bounds = java.util.Arrays.copyOf(h.upperBoundsSeconds(), h.upperBoundsSeconds().length + 1);
                bounds[bounds.length - 1] = Double.POSITIVE_INFINITY;
                dns.dataPoint(HistogramSnapshot.HistogramDataPointSnapshot.builder().labels(Labels.of("role", e.getKey()))
                        .classicHistogramBuckets(ClassicHistogramBuckets.of(bounds, h.counts())).sum(h.sumSeconds()).build());
                any = true;
            }
        }
        if (any) {
            out.add(dns.build());
        }
        return new MetricSnapshots(out);
    }

    private static CounterSnapshot counter(String name, String help, Map<String, RoleCounters> counters, Function<RoleCounters, Map<String, Long>> which,
            String label) {
        CounterSnapshot.Builder b = CounterSnapshot.builder().name(name).help(help);
        counters.forEach((role, c) -> new java.util.TreeMap<>(which.apply(c)).forEach((k, v) -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                .labels(Labels.of("role", role, label, k)).value(v).build())));
        return b.build();
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder().name(name).help(help).dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder().value(value).build()).build();
    }
}
