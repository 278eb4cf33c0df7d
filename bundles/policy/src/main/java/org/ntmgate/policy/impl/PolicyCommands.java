package org.ntmgate.policy.impl;

import java.net.InetAddress;
import java.util.List;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.ntmgate.api.policy.RelayDecision;
import org.ntmgate.api.policy.RelayRequest;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands in scope {@code policy}: the relay policy in force, and which rule decides a question. */
@Component(service = PolicyCommands.class, property = { "osgi.command.scope=policy", "osgi.command.function=show",
        "osgi.command.function=check" })
public class PolicyCommands {
    @Reference
    private RelayPolicyComponent policy;

    @Descriptor("the relay policy in force, rule by rule, in the order they are applied")
    public String show() {
        PolicySettings s = policy.settings();
        return String.join("\n",
                "allowedRelays: " + (s.allowedRelays().isEmpty() ? "any relay" : String.join(", ", s.allowedRelays())),
                "denyNodes: " + rules(s.denyNodes()),
                "denyDestinations: " + rules(s.deny()),
                "allowDestinations: " + (s.allow().isEmpty() ? "(none: every destination not denied is allowed)" : rules(s.allow())),
                "limits: " + s.limits(),
                "node limits: " + (s.nodeLimits().isEmpty() ? "(none)" : s.nodeLimits().stream().map(Object::toString).collect(Collectors.joining("; "))));
    }

    @Descriptor("which rule decides whether a node may be relayed to a destination (a name or an address), through a relay")
    public String check(@Descriptor("the node's FQDN") String node, @Descriptor("the destination's name or IP address") String destination,
            @Descriptor("the relay's id (default: any relay allowed)") String... relay) {
        String name = null;
        InetAddress address = null;
        String d = destination.replaceAll("^\\[|\\]$", "");
        if (d.matches("[0-9a-fA-F:.]+") && (d.contains(":") || d.matches("[0-9.]+"))) {
            try {
                address = InetAddress.getByName(d);
            } catch (java.net.UnknownHostException e) {
                return "'" + destination + "' is not an IP address";
            }
        } else {
            name = d;
        }
        PolicySettings s = policy.settings();
        String relayId = relay.length > 0 ? relay[0] : s.allowedRelays().isEmpty() ? "any" : s.allowedRelays().get(0);
        RelayDecision r = policy.decide(new RelayRequest(node, name, address, relayId));
        return (r.allowed() ? "allowed: " : "denied: ") + r.reason() + (r.allowed() ? "; limits " + r.limits() : "");
    }

    private static String rules(List<Rule> rules) {
        return rules.isEmpty() ? "(none)" : rules.stream().map(Object::toString).collect(Collectors.joining(", "));
    }
}
