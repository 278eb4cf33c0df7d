package org.ntmgate.as.impl;

import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.RoleStates;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands in scope {@code as}, present whether or not the role is configured, so a field tech can always ask
 * why it is off ({@link RoleStates}: not configured, refused, configured but not serving, serving since).
 */
@Component(service = AsCommands.class, property = { "osgi.command.scope=as", "osgi.command.function=status" })
public class AsCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile AccountServerComponent role;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;

    /** as:status: where the AS listens and its counters; or why it is off. */
    public String status() {
        AccountServerComponent a = role;
        return RoleStates.describe("Account Server", AccountServerComponent.PID, a, a == null ? null : a.status(), records);
    }
}
