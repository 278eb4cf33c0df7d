package org.ntmgate.node.impl;

import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.RoleStates;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands in scope {@code node}, present whether or not the role is configured, so a field tech can always ask
 * why it is off ({@link RoleStates}: not configured, refused, configured but not serving, serving since).
 */
@Component(service = NodeCommands.class, property = { "osgi.command.scope=node", "osgi.command.function=status", "osgi.command.function=paths" })
public class NodeCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile NodeComponent role;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;

    /** node:status: registration, tunnels, counters; or why the node is off. */
    public String status() {
        NodeComponent n = role;
        return RoleStates.describe("NTM node", NodeSettings.PID, n, n == null ? null : n.status(), records);
    }

    /** node:paths: the paths this node holds. */
    public String paths() {
        NodeComponent n = role;
        return n != null ? n.paths() : status();
    }
}
