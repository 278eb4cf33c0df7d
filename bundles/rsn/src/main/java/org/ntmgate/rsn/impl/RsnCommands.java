package org.ntmgate.rsn.impl;

import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.RoleStates;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands in scope {@code rsn}, present whether or not the role is configured, so a field tech can always ask
 * why it is off ({@link RoleStates}: not configured, refused, configured but not serving, serving since).
 */
@Component(service = RsnCommands.class, property = { "osgi.command.scope=rsn", "osgi.command.function=status", "osgi.command.function=paths" })
public class RsnCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile RelayServerComponent role;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;

    /** rsn:status: socket, paths, packets each way, drops by reason; or why the RS-N is off. */
    public String status() {
        RelayServerComponent r = role;
        return RoleStates.describe("RS-N", RsnSettings.PID, r, r == null ? null : r.status(), records);
    }

    /** rsn:paths: every path with its addresses and endpoint. */
    public String paths() {
        RelayServerComponent r = role;
        return r != null ? r.paths() : status();
    }
}
