package org.ntmgate.node.impl;

import java.io.IOException;
import java.util.stream.Collectors;

import org.ntmgate.api.fallback.Ipv6Fallback;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleEngine;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.Threads;
import org.ntmgate.role.RunnerStatus;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.api.health.RoleCounters;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The NTM node role: present only when PID {@code org.ntmgate.node} is configured. */
@Component(service = { NodeComponent.class, RoleStatus.class }, configurationPid = NodeSettings.PID, configurationPolicy = ConfigurationPolicy.REQUIRE,
        immediate = true)
@Designate(ocd = NodeConfig.class)
public class NodeComponent implements RunnerStatus<NodeComponent.Running> {
    private static final Logger LOG = LoggerFactory.getLogger(NodeComponent.class);

    private volatile Ipv6Fallback fallback;
    private volatile TranslationTable table;

    /** The running node and its DNS stub: closed together. */
    record Running(NtmNode node, DnsStub stub) implements RoleEngine {
        @Override
        public String status() {
            return node.state();
        }

        @Override
        public RoleCounters counters() {
            return node.counters().withLatency("dns_answer", stub.latency());
        }

        /** The node and its stub on {@code settings}, not started; what opened is closed again on failure. */
        static Running open(NodeSettings settings, Ipv6Fallback fallback, TranslationTable table) throws IOException {
            NtmNode node = new NtmNode(settings);
            try {
                node.fallback(fallback);
                node.table(table);
                return new Running(node, new DnsStub(node, settings));
            } catch (IOException | RuntimeException e) {
                node.close();
                throw e;
            }
        }

        @Override
        public void close() {
            Threads.close(stub, node);
        }
    }

    private final RoleRunner<NodeSettings, Running> runner = new RoleRunner<>(LOG, GatewayRoles.NODE, "running", s -> "(DNS stub on " + s.dnsListen() + ")");

    /** 11.5: the Teredo client, when configured; any time, so that a fallback started after the node is used too. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindFallback(Ipv6Fallback f) {
        fallback = f;
        Running r = runner.engine();
        if (r != null) {
            r.node().fallback(f);
        }
    }

    synchronized void unbindFallback(Ipv6Fallback f) {
        if (fallback == f) {
            fallback = null;
            Running r = runner.engine();
            if (r != null) {
                r.node().fallback(null);
            }
        }
    }

    /** 11.6.1: the shared translation table, where the IPv4 pool's mappings live; any time, as the fallback. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindTable(TranslationTable t) {
        table = t;
        Running r = runner.engine();
        if (r != null) {
            r.node().table(t);
        }
    }

    synchronized void unbindTable(TranslationTable t) {
        if (table == t) {
            table = null;
            Running r = runner.engine();
            if (r != null) {
                r.node().table(null);
            }
        }
    }

    @Activate
    @Modified
    synchronized void configure(NodeConfig config) {
        runner.configure(config, NodeSettings::of, s -> Running.open(s, fallback, table), (s, r) -> r.node().start());
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    @Override
    public boolean serving() {
        Running r = runner.engine();
        return r != null && r.node().registered();
    }

    @Override
    public RoleRunner<NodeSettings, Running> runner() {
        return runner;
    }

    /** node:status: registration, DNS stub, packets, drops by reason. */
    @Override
    public String details() {
        return runner.view(r -> {
            NtmNode node = r.node();
            return "NTM node " + node.state() + "; path in use: " + node.pathInUse() + "; " + node.paths().size() + " path(s); packets sent " + node.packetsSent()
                    + ", received " + node.packetsReceived() + "; dropped: " + DropCounters.describe(node.drops()) + "; the kernel's own (not sent) " + node.locals() + "; TUN " + node.offloadSummary() + "\n" + node.ipv4Summary() + "\n"
                    + r.stub().status();
        });
    }

    /** node:paths: each tunnel. */
    @Override
    public String view(String name) {
        return name.equals("paths") ? paths() : null;
    }

    private String paths() {
        return runner.view(r -> r.node().paths().stream().map(p -> String.format("path %016x %s = %s via %s (inner MTU %d)", p.pathId, p.name,
                p.peer().getHostAddress(), p.endpoint, p.innerMtu)).collect(Collectors.joining("\n")) + "\n" + r.node().paths().size() + " path(s)");
    }
}
