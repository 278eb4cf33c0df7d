package org.ntmgate.api.pool;

import java.net.InetAddress;
import java.util.List;
import java.util.Optional;

import org.ntmgate.api.net.AddressFamily;
import org.osgi.annotation.versioning.ProviderType;

/** The virtual address pool service, over all configured pools. */
@ProviderType
public interface VirtualAddressPools {

    /**
     * Leases an address of {@code family} for {@code purpose} to {@code owner}. An owner that already holds a live
     * lease of that family and purpose gets the same address back, renewed.
     *
     * @throws PoolException {@code NO_POOL} or {@code EXHAUSTED}, naming the pool(s)
     */
    Lease allocate(AddressFamily family, PoolPurpose purpose, String owner) throws PoolException;

    /**
     * Leases an address from the pool named {@code pool} for {@code owner} (a reservation made by hand), or renews
     * the owner's live lease there.
     *
     * @throws PoolException NO_POOL when no pool has that name, EXHAUSTED when it is full
     */
    Lease allocate(String pool, String owner) throws PoolException;

    /** Extends a live lease by its pool's lease time. @throws PoolException {@code NOT_LEASED} */
    Lease renew(InetAddress address, String owner) throws PoolException;

    /** Returns an address to its pool; false if it was not leased to {@code owner}. */
    boolean release(InetAddress address, String owner);

    Optional<Lease> leaseOf(InetAddress address);

    List<Lease> leasesOf(String owner);

    List<Lease> leases();

    List<PoolInfo> pools();
}
