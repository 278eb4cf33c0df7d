package org.ntmgate.pool.impl;

import java.nio.file.Path;
import java.util.Map;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.pool.VirtualAddressPools;

/** Behind {@link org.ntmgate.pool.PoolFixture}: the component opened and configured as DS and ConfigAdmin would. */
public final class Fixture {
    private Fixture() {
    }

    public static VirtualAddressPools open(Path journal, Map<String, Map<String, Object>> configurations) {
        PoolsComponent pools = new PoolsComponent();
        pools.open(journal);
        configurations.forEach((pid, properties) -> {
            if (pid.startsWith(PoolSettings.FACTORY_PID + "~")) {
                pools.define(pid, ConfigChecks.typed(pid, properties, PoolConfig.class));
            }
        });
        if (!pools.problems().isEmpty()) {
            pools.deactivate();
            throw new IllegalArgumentException(String.join("; ", pools.problems()));
        }
        return pools;
    }

    public static void close(VirtualAddressPools pools) {
        ((PoolsComponent) pools).deactivate();
    }
}
