package org.ntmgate.pool.impl;

import java.net.InetAddress;
import java.time.Instant;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.ntmgate.api.net.AddressFamily;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolException;
import org.ntmgate.api.pool.PoolPurpose;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/** Gogo commands in scope {@code pool}. */
@Component(service = PoolCommands.class, property = { "osgi.command.scope=pool", "osgi.command.function=list",
        "osgi.command.function=leases", "osgi.command.function=reserve", "osgi.command.function=release" })
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

    @Descriptor("lease an address from the named pool by hand (a reservation; renew it by reserving again)")
    public String reserve(@Descriptor("the pool's name (pool:list)") String pool, @Descriptor("owner") String owner) {
        try {
            Lease l = pools.allocate(pool, owner);
            return "reserved " + l.address().getHostAddress() + " in pool " + l.pool() + " for " + owner + " until " + l.expires();
        } catch (PoolException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("lease an address by hand from the first pool that fits: family 4 or 6, purpose node or general")
    public String reserve(@Descriptor("4 or 6") int family, @Descriptor("node or general") String purpose, @Descriptor("owner") String owner) {
        AddressFamily f = family == 4 ? AddressFamily.IPV4 : family == 6 ? AddressFamily.IPV6 : null;
        PoolPurpose p = "node".equalsIgnoreCase(purpose) ? PoolPurpose.NODE : "general".equalsIgnoreCase(purpose) ? PoolPurpose.GENERAL_NODE : null;
        if (f == null || p == null) {
            return "refused: family is 4 or 6, purpose is node or general";
        }
        try {
            Lease l = pools.allocate(f, p, owner);
            return "reserved " + l.address().getHostAddress() + " in pool " + l.pool() + " for " + owner + " until " + l.expires();
        } catch (PoolException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Descriptor("give a leased address back to its pool")
    public String release(@Descriptor("address") String address, @Descriptor("owner") String owner) {
        try {
            return pools.release(InetAddress.getByName(address), owner) ? "released " + address : address + " is not leased to " + owner;
        } catch (java.net.UnknownHostException e) {
            return "refused: '" + address + "' is not an address";
        }
    }

    @Descriptor("list the leases")
    public String leases() {
        Instant now = Instant.now();
        return pools.leases().stream().map(l -> String.format("%-40s %-16s %-32s expires in %d s", l.address().getHostAddress(),
                l.pool(), l.owner(), l.expires().getEpochSecond() - now.getEpochSecond()))
                .collect(Collectors.joining("\n", "", "\n" + pools.leases().size() + " leases"));
    }
}
