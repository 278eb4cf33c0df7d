package org.ntmgate.rsn.impl;

import java.io.File;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

import org.ntmgate.api.net.AddressFormat;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.policy.RelayPolicy;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.ntmgate.api.relay.RelayTunnels;
import org.ntmgate.api.relay.Tunnel;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.wire.DropCounters;
import org.ntmgate.api.account.AccountEvents;
import org.ntmgate.role.GatewayRoles;
import org.ntmgate.role.RoleRunner;
import org.ntmgate.role.RunnerStatus;
import org.osgi.framework.BundleContext;
import org.osgi.service.event.Event;
import org.osgi.service.event.EventConstants;
import org.osgi.service.event.EventHandler;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RS-N role: present only when PID {@code org.ntmgate.rsn} is configured. Its translation entries live in the
 * shared table service, its path keys in its data area: a new build of this bundle takes both up and carries on
 * (protocol.md 15.6). A refused configuration keeps the previous one relaying.
 */
@Component(service = { RelayServerComponent.class, RoleStatus.class, RelayTunnels.class, EventHandler.class }, configurationPid = RsnSettings.PID,
        configurationPolicy = ConfigurationPolicy.REQUIRE, immediate = true, property = EventConstants.EVENT_TOPIC + "=" + AccountEvents.REVOKED)
@Designate(ocd = RsnConfig.class)
public class RelayServerComponent implements RunnerStatus<Relay>, RelayTunnels, EventHandler {
    private static final Logger LOG = LoggerFactory.getLogger(RelayServerComponent.class);

    @Reference
    private TranslationTable table;
    private volatile RelayPolicy policy;

    /** protocol.md 7.10.1: the relay policy, asked again about every live path when it appears or its configuration changes. */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            updated = "policyChanged", unbind = "unbindPolicy")
    void bindPolicy(RelayPolicy p) {
        policy = p;
        policyChanged(p);
    }

    synchronized void policyChanged(RelayPolicy p) {
        Relay r = runner.engine();
        if (r != null && p == policy) {
            r.recheck(p);
        }
    }

    void unbindPolicy(RelayPolicy p) {
        if (policy == p) {
            policy = null;
        }
    }

    private Path stateFile;
    private final RoleRunner<RsnSettings, Relay> runner = new RoleRunner<>(LOG, GatewayRoles.RSN, "relaying",
            s -> "on udp " + s.bind() + " with " + s.tunName());

    @Activate
    void activate(BundleContext context, RsnConfig config) {
        File f = context.getDataFile("paths.txt");
        stateFile = f == null ? Path.of("rsn-paths.txt").toAbsolutePath() : f.toPath().toAbsolutePath();
        configure(config);
    }

    @Modified
    synchronized void configure(RsnConfig config) {
        runner.configure(config, RsnSettings::of, s -> new Relay(s, table, stateFile, System::currentTimeMillis), (s, relay) -> {
            InetSocketAddress bound = relay.start();
            RelayPolicy p = policy;
            if (p != null) {
                relay.recheck(p); // paths restored from the last run meet today's policy
            }
            LOG.info("RS-N relaying on udp {}, egress {} on {}", bound, s.egressPrefix(), s.tunName());
        });
    }

    @Deactivate
    synchronized void deactivate() {
        runner.stop();
    }

    @Override
    public RoleRunner<RsnSettings, Relay> runner() {
        return runner;
    }

    // ---- Gogo --------------------------------------------------------------------------------------------

    /** rsn:status: socket, paths, packets each way, drops by reason. */
    @Override
    public String details() {
        return runner.view(relay -> "RS-N relaying on udp " + relay.bound() + "; " + relay.paths().size() + " path(s); relay directions " + relay.directions()
                + "; packets to real " + relay.relayedToReal() + ", to nodes " + relay.relayedToNode() + "; dropped: " + DropCounters.describe(relay.drops()) + "; the kernel's own (not sent) " + relay.locals()
                + "; TUN " + relay.offloadSummary());
    }

    /** rsn:paths: every path with its addresses and endpoint. */
    @Override
    public String view(String name) {
        return name.equals("paths") ? paths() : null;
    }

    private String paths() {
        return runner.view(relay -> {
            List<RelayPath> ps = relay.paths();
            return ps.isEmpty() ? "no paths" : ps.stream().map(p -> p + " endpoint " + p.endpoint).collect(Collectors.joining("\n")) + "\n" + ps.size() + " path(s)";
        });
    }

    @Override
    public List<Tunnel> tunnels() {
        Relay r = runner.engine();
        return r == null ? List.of() : r.paths().stream().map(RelayServerComponent::tunnel).toList();
    }

    private static Tunnel tunnel(RelayPath p) {
        InetSocketAddress e = p.endpoint;
        return new Tunnel(p.pathId, p.nodeId, p.fqdn, RelayPath.text(p.nodeVirtual), RelayPath.text(p.generalVirtual), RelayPath.text(p.egress),
                RelayPath.text(p.real), e == null ? null : AddressFormat.format(e.getAddress().getAddress()) + ":" + e.getPort(), p.toReal.packets(), p.toReal.bytes(), p.toNode.packets(),
                p.toNode.bytes(), Instant.ofEpochMilli(p.created), Instant.ofEpochMilli(p.lastData));
    }

    /** protocol.md 4.7: the Account Server of this gateway revoked a node's account: its paths close. */
    @Override
    public void handleEvent(Event event) {
        Relay r = runner.engine();
        if (r != null && event.getProperty(AccountEvents.NODE_ID) instanceof Long nodeId) {
            r.revoke(nodeId);
        }
    }

    @Override
    public boolean disconnect(long pathId) {
        Relay r = runner.engine();
        return r != null && r.disconnect(pathId);
    }
}
