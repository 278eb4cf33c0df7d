package org.ntmgate.policy.impl;

import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.policy.RelayRefusal;
import org.ntmgate.api.policy.RelayRequest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.Designate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link RelayPolicy} service from configuration {@code org.ntmgate.policy}. Decisions take no lock and do no
 * I/O (the DC asks on its signalling path); a change applies at once; a refused change keeps the previous policy.
 */
@Component(service = { RelayPolicy.class, RelayPolicyComponent.class }, configurationPid = PolicySettings.PID, immediate = true)
@Designate(ocd = PolicyConfig.class)
public class RelayPolicyComponent implements RelayPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RelayPolicyComponent.class);

    private volatile PolicySettings settings = PolicySettings.OPEN;
    /** How many refusals {@link #recentRefusals()} keeps: the newest. */
    static final int KEPT_REFUSALS = 100;
    private final Deque<RelayRefusal> refusals = new ArrayDeque<>();

    @Activate
    @Modified
    void configure(PolicyConfig config) {
        try {
            settings = PolicySettings.from(config);
            LOG.info("Relay policy: {} relay(s) allowed ({}), {} allow and {} deny destination rules, {} denied node rules, limits {} ({} per-node overrides)",
                    settings.allowedRelays().isEmpty() ? "all" : settings.allowedRelays().size(), settings.allowedRelays(),
                    settings.allow().size(), settings.deny().size(), settings.denyNodes().size(), settings.limits(),
                    settings.nodeLimits().size());
        } catch (InvalidConfigurationException e) {
            LOG.error("Configuration refused: {}. The previous relay policy stays in force", e.getMessage());
        }
    }

    @Override
    public RelayDecision decide(RelayRequest r) {
        RelayDecision d = decide(settings, r);
        if (!d.allowed()) {
            synchronized (refusals) {
                if (refusals.size() == KEPT_REFUSALS) {
                    refusals.removeLast();
                }
                refusals.addFirst(new RelayRefusal(Instant.now(), r, d.reason()));
            }
        }
        return d;
    }

    @Override
    public RelayDecision check(RelayRequest r) {
        return decide(settings, r);
    }

    @Override
    public List<RelayRefusal> recentRefusals() {
        synchronized (refusals) {
            return List.copyOf(refusals);
        }
    }

    static RelayDecision decide(PolicySettings s, RelayRequest r) {
        if (!s.allowedRelays().isEmpty() && r.relayId() != null && !s.allowedRelays().contains(r.relayId())) {
            return RelayDecision.deny("relay '" + r.relayId() + "' is not in allowedRelays");
        }
        for (Rule rule : s.denyNodes()) {
            if (rule.matchesName(r.nodeFqdn())) {
                return RelayDecision.deny("node " + r.nodeFqdn() + " matches denyNodes entry '" + rule + "'");
            }
        }
        for (Rule rule : s.deny()) {
            if (rule.matchesName(r.destinationFqdn()) || rule.matchesAddress(r.destination())) {
                return RelayDecision.deny("destination " + describe(r) + " matches denyDestinations entry '" + rule + "'");
            }
        }
        if (!s.allow().isEmpty()) {
            for (Rule rule : s.allow()) {
                if (rule.matchesName(r.destinationFqdn()) || rule.matchesAddress(r.destination())) {
                    return RelayDecision.allow("destination " + describe(r) + " matches allowDestinations entry '" + rule + "'",
                            s.limitsFor(r.nodeFqdn()));
                }
            }
            return RelayDecision.deny("destination " + describe(r) + " matches no allowDestinations entry");
        }
        return RelayDecision.allow("no rule restricts " + describe(r), s.limitsFor(r.nodeFqdn()));
    }

    private static String describe(RelayRequest r) {
        String name = r.destinationFqdn() == null ? "" : r.destinationFqdn();
        String addr = r.destination() == null ? "" : org.ntmgate.api.net.AddressFormat.format(r.destination().getAddress());
        return name.isEmpty() ? addr : addr.isEmpty() ? name : name + " (" + addr + ")";
    }

    /** The settings in force (Gogo's policy:show). */
    PolicySettings settings() {
        return settings;
    }

    @Override
    public RelayLimits limitsFor(String nodeFqdn) {
        return settings.limitsFor(nodeFqdn);
    }
}
