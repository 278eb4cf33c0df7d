package org.ntmgate.node.impl;

import java.time.Instant;
import java.util.stream.Collectors;

import org.ntmgate.api.fallback.Ipv6Fallback;
import org.ntmgate.api.config.InvalidConfigurationException;
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
public class NodeComponent implements RoleStatus {
    private static final Logger LOG = LoggerFactory.getLogger(NodeComponent.class);

    private volatile Ipv6Fallback fallback;

    private NtmNode node;
    private DnsStub stub;
    private String problem = "not configured";
    private volatile Instant since;

    /** 11.5: the Teredo client, when configured; any time, so that a fallback started after the node is used too. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    synchronized void bindFallback(Ipv6Fallback f) {
        fallback = f;
        if (node != null) {
            node.fallback(f);
        }
    }

    synchronized void unbindFallback(Ipv6Fallback f) {
        if (fallback == f) {
            fallback = null;
            if (node != null) {
                node.fallback(null);
            }
        }
    }

    @Activate
    @Modified
    synchronized void configure(NodeConfig config) {
        NodeSettings next;
        try {
            next = NodeSettings.of(config);
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration refused: {}.{}", e.getMessage(), node == null ? " The NTM node is not running." : " The previous configuration keeps running.");
            if (node == null) {
                problem = "configuration refused: " + e.getMessage();
            }
            return;
        }
        stop();
        try {
            node = new NtmNode(next);
            node.fallback(fallback);
            stub = new DnsStub(node, next);
            node.start();
            problem = null;
            since = Instant.now();
        } catch (Exception e) {
            problem = "could not start: " + e.getMessage();
            LOG.error("NTM node could not start (DNS stub on {}): {}", next.dnsListen(), e.toString());
            stop();
        }
    }

    @Deactivate
    synchronized void deactivate() {
        stop();
    }

    private void stop() {
        if (stub != null) {
            stub.close();
            stub = null;
        }
        if (node != null) {
            node.close();
            node = null;
        }
    }

    @Override
    public String role() {
        return "node";
    }

    @Override
    public synchronized boolean serving() {
        return node != null && node.registered();
    }

    @Override
    public synchronized String detail() {
        return node == null ? problem : node.state();
    }

    /** node:status: registration, DNS stub, packets, drops by reason. */
    public synchronized String status() {
        if (node == null) {
            return "NTM node not running: " + problem;
        }
        return "NTM node " + node.state() + "; path in use: " + node.pathInUse() + "; " + node.paths().size() + " path(s); packets sent " + node.packetsSent() + ", received "
                + node.packetsReceived() + "; dropped: " + DropCounters.describe(node.drops()) + "; TUN " + node.offloadSummary() + "\n" + stub.status();
    }

    /** node:paths: each tunnel. */
    public synchronized String paths() {
        if (node == null) {
            return "NTM node not running: " + problem;
        }
        return node.paths().stream().map(p -> String.format("path %016x %s = %s via %s (inner MTU %d)", p.pathId, p.name, p.peer().getHostAddress(),
                p.endpoint, p.innerMtu)).collect(Collectors.joining("\n")) + "\n" + node.paths().size() + " path(s)";
    }

    @Override
    public synchronized RoleCounters counters() {
        return node == null ? RoleCounters.NONE : node.counters().withLatency("dns_answer", stub.latency());
    }

    @Override
    public Instant since() {
        return serving() ? since : null;
    }
}
