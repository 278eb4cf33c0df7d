package org.ntmgate.api.registry;

import java.net.InetAddress;
import java.util.Collection;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/** Read access to a Direction Coordinator's registered nodes. */
@ProviderType
public interface NodeRegistry {
    Optional<NodeRecord> byId(long nodeId);

    /** Case-insensitive, with or without the trailing dot. */
    Optional<NodeRecord> byFqdn(String fqdn);

    /** By either virtual address. */
    Optional<NodeRecord> byVirtualAddress(InetAddress address);

    Collection<NodeRecord> nodes();

    int size();
}
