package org.ntmgate.dc.impl;

import java.net.InetAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.ntmgate.api.pool.VirtualAddressPools;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.wire.Ticket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DC's registered nodes (protocol.md 7.1, 7.2, 4.7): by node id, by session key and by name; registrations that
 * expired, kept by key until their ticket does so that a late request is told why; the revoked accounts. Ending a
 * registration gives its addresses back to the pools and withdraws its DNS record. Lookups take no lock.
 */
final class DcRegistrations implements NodeRegistry {
    private static final Logger LOG = LoggerFactory.getLogger(DcRegistrations.class);

    private final VirtualAddressPools pools;
    private final LongSupplier clock;
    /** Told after registrations came, changed or went: the owner writes them out (within a second, not per change). */
    private final Runnable changed;
    private final ConcurrentHashMap<Long, Registration> byNode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Integer, Registration> byKey = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Registration> byName = new ConcurrentHashMap<>();
    /** Keys of registrations that expired, until their ticket does: a late KEEPALIVE is told NOT_REGISTERED. */
    private final ConcurrentHashMap<Integer, Registration> lapsed = new ConcurrentHashMap<>();
    /** protocol.md 4.7: revoked node ids, to until when (epoch ms) their tickets that expire no later are refused. */
    private final Map<Long, Long> revoked;
    private volatile ZoneUpdater zone;

    DcRegistrations(VirtualAddressPools pools, LongSupplier clock, Runnable changed, Map<Long, Long> revoked) {
        this.pools = pools;
        this.clock = clock;
        this.changed = changed;
        this.revoked = revoked;
    }

    /** Where the nodes' names are published, once the DC serves (null: no DNS updates). */
    void zone(ZoneUpdater z) {
        zone = z;
        if (z != null) {
            for (Registration r : byNode.values()) {
                z.publish(r.record().fqdn(), r.record().realSeen().address());
            }
        }
    }

    /** Registrations read back after a restart of the bundle: downtime is not silence, their lifetime starts afresh. */
    void restore(List<Registration> restored) {
        Instant now = Instant.ofEpochMilli(clock.getAsLong());
        for (Registration r : restored) {
            NodeRecord n = r.record();
            put(new Registration(new NodeRecord(n.nodeId(), n.fqdn(), n.realReported(), n.realSeen(), n.behindNat(), n.virtualV4(), n.virtualV6(),
                    n.registeredAt(), now, n.lifetime()), r.keyId(), r.sessionKey(), r.ticketExpiryMillis()));
        }
    }

    /** Adds or replaces a node's registration (its old session key goes, its lapsed one if it comes back). */
    void put(Registration r) {
        Registration old = byNode.put(r.record().nodeId(), r);
        if (old != null && old.keyId() != r.keyId()) {
            byKey.remove(old.keyId(), old);
        }
        byKey.put(r.keyId(), r);
        byName.put(r.record().fqdn(), r);
        lapsed.remove(r.keyId());
    }

    Registration byNodeId(long nodeId) {
        return byNode.get(nodeId);
    }

    Registration byKeyId(int keyId) {
        return byKey.get(keyId);
    }

    /** The registration of an expired session key whose ticket is still valid, or null. */
    Registration lapsed(int keyId) {
        return lapsed.get(keyId);
    }

    Optional<Registration> byName(String fqdn) {
        return Optional.ofNullable(byName.get(fqdn));
    }

    List<Registration> all() {
        return new ArrayList<>(byNode.values());
    }

    /** True when {@code t} was issued before its account was revoked (4.7). */
    boolean revokedTicket(Ticket t) {
        Long until = revoked.get(t.nodeId());
        return until != null && t.expiry().toEpochMilli() <= until;
    }

    boolean revokedNode(long nodeId) {
        return revoked.containsKey(nodeId);
    }

    /**
     * Ends a registration: its addresses go back to the pools, its DNS record is withdrawn, and its key is kept
     * until its ticket expires so that a late request is told why (7.2, 4.7). False when it was gone already.
     */
    private boolean drop(Registration r) {
        if (!byNode.remove(r.record().nodeId(), r)) {
            return false;
        }
        byKey.remove(r.keyId(), r);
        byName.remove(r.record().fqdn(), r);
        ZoneUpdater z = zone;
        if (z != null) {
            z.withdraw(r.record().fqdn());
        }
        lapsed.put(r.keyId(), r);
        pools.release(r.record().virtualV4(), r.record().fqdn());
        pools.release(r.record().virtualV6(), r.record().fqdn());
        return true;
    }

    /** protocol.md 4.7: the node's account was revoked (the caller recorded it in {@code revoked}): its registration ends now. */
    void revoke(long nodeId, String fqdn) {
        Registration r = byNode.get(nodeId);
        if (r != null && drop(r)) {
            LOG.info("Node {} ({}): account revoked; registration ended, its addresses returned", r.record().fqdn(), Long.toHexString(nodeId));
            changed.run();
        } else {
            LOG.info("Node {} ({}): account revoked; it was not registered here", fqdn, Long.toHexString(nodeId));
        }
    }

    /** Drops nodes silent past their lifetime (7.2), lapsed keys past their ticket, revocations past theirs; returns how many nodes. */
    int expire(long now) {
        Instant at = Instant.ofEpochMilli(now);
        int n = 0;
        for (Registration r : byNode.values()) {
            if (r.record().expiredAt(at) && drop(r)) {
                LOG.info("Node {} ({}) silent for {} s: registration dropped, its addresses returned", r.record().fqdn(),
                        Long.toHexString(r.record().nodeId()), r.record().lifetime().toSeconds());
                n++;
            }
        }
        lapsed.values().removeIf(r -> r.ticketExpiryMillis() < now);
        revoked.values().removeIf(until -> until < now);
        if (n > 0) {
            changed.run();
        }
        return n;
    }

    // ---- NodeRegistry ------------------------------------------------------------------------------------------

    @Override
    public Optional<NodeRecord> byId(long nodeId) {
        return Optional.ofNullable(byNode.get(nodeId)).map(Registration::record);
    }

    @Override
    public Optional<NodeRecord> byFqdn(String fqdn) {
        return Optional.ofNullable(byName.get(Directions.normalize(fqdn))).map(Registration::record);
    }

    @Override
    public Optional<NodeRecord> byVirtualAddress(InetAddress address) {
        return byNode.values().stream().map(Registration::record).filter(n -> n.virtualV4().equals(address) || n.virtualV6().equals(address)).findFirst();
    }

    @Override
    public Collection<NodeRecord> nodes() {
        return byNode.values().stream().map(Registration::record).toList();
    }

    @Override
    public int size() {
        return byNode.size();
    }
}
