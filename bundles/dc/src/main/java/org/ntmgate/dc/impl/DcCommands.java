package org.ntmgate.dc.impl;

import org.apache.felix.service.command.Descriptor;
import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.RoleStates;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands in scope {@code dc}, present whether or not the DC is configured, so a field tech can always ask
 * why it is off ({@link RoleStates}).
 */
@Component(service = DcCommands.class, property = { "osgi.command.scope=dc", "osgi.command.function=nodes",
        "osgi.command.function=status", "osgi.command.function=paths" })
public class DcCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile DirectionCoordinatorComponent dc;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;

    @Descriptor("list the registered nodes")
    public String nodes() {
        DirectionCoordinatorComponent d = dc;
        return d != null ? d.nodesText() : status();
    }

    @Descriptor("list the paths this DC directed")
    public String paths() {
        DirectionCoordinatorComponent d = dc;
        return d != null ? d.pathsText() : status();
    }

    @Descriptor("where the DC listens, and its counters; or why it is off")
    public String status() {
        DirectionCoordinatorComponent d = dc;
        return RoleStates.describe("Direction Coordinator", DirectionCoordinatorComponent.PID, d, d == null ? null : d.status(), records);
    }
}
