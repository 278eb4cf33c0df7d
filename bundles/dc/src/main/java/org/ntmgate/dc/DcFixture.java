package org.ntmgate.dc;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;

import org.ntmgate.api.policy.RelayPolicy;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.dc.impl.Fixture;

/**
 * A DC outside a framework: the bundle's own engine (socket, registrations, Direction Requests, relay directions) on
 * a configuration of PID {@code org.ntmgate.dc} as ConfigAdmin would hand it over, with its registrations written
 * to a file within a second of a change, as the component writes them.
 */
public interface DcFixture extends AutoCloseable {
    /**
     * Starts a DC.
     *
     * @param registrations the registration file (the component's {@code registrations.bin})
     * @throws IllegalArgumentException when the configuration is refused, with the DC bundle's message
     */
    static DcFixture start(Map<String, Object> configuration, VirtualAddressPools pools, RelayPolicy policy, Path registrations) throws Exception {
        return Fixture.start(configuration, pools, policy, registrations);
    }

    /** Where it listens. */
    InetSocketAddress address();

    /** Messages it accepted and datagrams it dropped (malformed, unauthentic, replayed). */
    long accepted();

    long dropped();

    @Override
    void close();
}
