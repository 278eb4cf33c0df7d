package org.ntmgate.pool.impl;

import java.time.Instant;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands in scope {@code pool}. */
@Component(service = PoolCommands.class, property = { "osgi.command.scope=pool", "osgi.command.function=list",
        "osgi.command.function=leases" })
public class PoolCommands {
    private final VirtualAddressPools pools;

    @Activate
    public PoolCommands(@Reference VirtualAddressPools pools) {
        this.pools = pools;
    }

    @Descriptor("list the configured pools")
    public String list() {
        return pools.pools().stream().map(p -> String.format("%-16s %-28s %-13s lease %6d s  %d leased of %s", p.name(),
                p.prefix(), p.purpose(), p.leaseTime().toSeconds(), p.leased(), p.capacity()))
                .collect(Collectors.joining("\n", "", "\n" + pools.pools().size() + " pools"));
    }

    @Descriptor("list the leases")
    public String leases() {
        Instant now = Instant.now();
        return pools.leases().stream().map(l -> String.format("%-40s %-16s %-32s expires in %d s", l.address().getHostAddress(),
                l.pool(), l.owner(), l.expires().getEpochSecond() - now.getEpochSecond()))
                .collect(Collectors.joining("\n", "", "\n" + pools.leases().size() + " leases"));
    }
}
