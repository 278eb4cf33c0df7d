package org.ntmgate.teredo.impl;

import org.ntmgate.api.config.ConfigurationRecords;
import org.ntmgate.api.health.RoleStates;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

/**
 * Gogo commands in scope {@code teredo}, present whether or not each Teredo role is configured, so a field tech can
 * always ask why one is off ({@link RoleStates}).
 */
@Component(service = TeredoCommands.class, property = { "osgi.command.scope=teredo", "osgi.command.function=server",
        "osgi.command.function=relay", "osgi.command.function=client", "osgi.command.function=peers" })
public class TeredoCommands {
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TeredoServerComponent server;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TeredoRelayComponent relay;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile TeredoClientComponent client;
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile ConfigurationRecords records;

    /** teredo:server: addresses, counters; or why the server is off. */
    public String server() {
        TeredoServerComponent s = server;
        return RoleStates.describe("Teredo server", TeredoServerComponent.PID, s, s == null ? null : s.server(), records);
    }

    /** teredo:relay: socket, peers, counters; or why the relay is off. */
    public String relay() {
        TeredoRelayComponent r = relay;
        return RoleStates.describe("Teredo relay", TeredoRelayComponent.PID, r, r == null ? null : r.relay(), records);
    }

    /** teredo:client: qualification state, NAT type and why, address, counters; or why the client is off. */
    public String client() {
        TeredoClientComponent c = client;
        return RoleStates.describe("Teredo client", TeredoClientComponent.PID, c, c == null ? null : c.client(), records);
    }

    /** teredo:peers: each peer, where it is reached, when last heard. */
    public String peers() {
        TeredoClientComponent c = client;
        return c != null ? c.peers() : client();
    }
}
