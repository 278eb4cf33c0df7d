package org.ntmgate.rsn.impl;

import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryConflictException;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableFullException;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.role.Key128;
import org.ntmgate.storage.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The RS-N's paths and nodes (protocol.md 15.1, 15.2, 15.6): the indexes the packet paths look up (by path id, by a
 * node's egress address, by a general node's real address within a node), each path's two translation entries in the
 * shared table, and the path file. Paths are added and removed under this object's lock; lookups take none. A change
 * is written to the file soon after, off the caller's thread, one write for a burst of changes.
 */
final class RelayPaths {
    private static final Logger LOG = LoggerFactory.getLogger(RelayPaths.class);

    private final RsnSettings settings;
    private final TranslationTable table;
    private final PathStore store;
    private final LongSupplier clock;
    private final Executor writer;
    private final ConcurrentHashMap<Key128, RelayPath> byId = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, RelayNode> byNode = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Key128, RelayNode> byEgress = new ConcurrentHashMap<>();
    private final AtomicBoolean storeScheduled = new AtomicBoolean();

    /** {@code writer} runs the file writes (the relay's timer thread). */
    RelayPaths(RsnSettings settings, TranslationTable table, PathStore store, LongSupplier clock, Executor writer) {
        this.settings = settings;
        this.table = table;
        this.store = store;
        this.clock = clock;
        this.writer = writer;
    }

    /** The path with this id, looked up with the caller's probe (packet paths). */
    RelayPath path(Key128 probe, long pathId) {
        return byId.get(probe.set(0, pathId));
    }

    RelayPath path(long pathId) {
        return byId.get(Key128.path(pathId));
    }

    /** The node whose egress address the probe holds. */
    RelayNode nodeByEgress(Key128 probe) {
        return byEgress.get(probe);
    }

    RelayNode node(long nodeId) {
        return byNode.get(nodeId);
    }

    /** The other live paths of a node ({@code except}: the path being replaced). */
    synchronized int liveOf(RelayNode node, long except) {
        return node == null ? 0 : (int) byId.values().stream().filter(o -> o.node == node && o.pathId != except).count();
    }

    List<RelayPath> all() {
        return new ArrayList<>(byId.values());
    }

    // ---- the path file (15.6) ---------------------------------------------------------------------------------

    /** Takes up the paths of the file (the previous run's), each with a reservation beyond what it sealed. */
    void restore() {
        List<PathStore.Stored> stored;
        try {
            stored = store.load(clock.getAsLong());
        } catch (IOException e) {
            LOG.error("RS-N state {} unreadable ({}); starting without paths", store.file(), e.getMessage());
            try {
                AtomicFile.setAside(store.file(), clock.getAsLong());
            } catch (IOException io) {
                LOG.error("and it could not be moved aside: {}", io.toString());
            }
            return;
        }
        for (PathStore.Stored s : stored) {
            RelayPath p = s.path();
            // the stored limit is the end of a reserved block: nothing at or above it was ever sealed (15.6)
            p.cipher.resume(s.sendLimit(), s.received());
            p.sendLimit = s.sendLimit();
            p.endpoint = s.endpoint();
            try {
                attach(p);
            } catch (TableFullException | EntryConflictException e) {
                LOG.error("Stored {} dropped: its translation entries could not be restored ({})", p, e.getMessage());
            }
        }
        if (!stored.isEmpty()) {
            LOG.info("RS-N restored {} path(s) of {} node(s) from {}", byId.size(), byNode.size(), store.file());
            storeSoon(); // a new reservation block for every path before it seals anything
        }
    }

    /** The send-counter limit to store for a path: a block beyond what it sealed (15.6). */
    private static long reservation(RelayPath p) {
        return Math.max(p.sendLimit, p.cipher.sent() + PathStore.BLOCK);
    }

    /** Writes the file soon, on the writer (once for every change made until then). */
    void storeSoon() {
        if (storeScheduled.compareAndSet(false, true)) {
            writer.execute(this::storeNow);
        }
    }

    private void storeNow() {
        storeScheduled.set(false);
        Collection<RelayPath> paths = new ArrayList<>(byId.values());
        Map<RelayPath, Long> limits = new HashMap<>();
        for (RelayPath p : paths) {
            limits.put(p, reservation(p));
        }
        try {
            store.save(paths, limits::get);
            limits.forEach((p, l) -> p.sendLimit = l);
        } catch (IOException e) {
            LOG.error("RS-N state could not be saved to {}: {} (paths keep their current reservations)", store.file(), e.toString());
        }
    }

    /** The last write, when the RS-N stops. */
    void storeFinal() {
        try {
            store.save(byId.values(), RelayPaths::reservation);
        } catch (IOException e) {
            LOG.error("RS-N state could not be saved to {}: {}", store.file(), e.toString());
        }
    }

    // ---- adding and removing ----------------------------------------------------------------------------------

    /** Puts a path in the indexes, with its node (egress) and its translation entries (15.1, 15.2). */
    synchronized void attach(RelayPath p) throws TableFullException, EntryConflictException {
        RelayNode node = byNode.get(p.nodeId);
        if (node == null) {
            node = new RelayNode(p.nodeId, p.egress, p.limits, clock.getAsLong());
        } else if (!Arrays.equals(node.egress, p.egress)) {
            throw new EntryConflictException("egress of node " + Long.toHexString(p.nodeId), null);
        }
        p.node = node;
        p.nodeEntry = entry(EntryKind.NTM_NODE, p.nodeVirtual, p.egress, EntryOwner.of(p.nodeId, 0));
        p.generalEntry = entry(EntryKind.NTM_GENERAL_NODE, p.generalVirtual, p.real, EntryOwner.NONE);
        byNode.putIfAbsent(p.nodeId, node);
        byEgress.putIfAbsent(node.egressKey, node);
        RelayPath old = byId.put(Key128.path(p.pathId), p);
        if (old != null && old != p) {
            old.node.byReal.remove(Key128.of(old.real), old);
        }
        node.byReal.put(Key128.of(p.real), p);
    }

    /** The table's entry for this mapping: the one already there (restart, another path to the same host) or a new one. */
    private TranslationEntry entry(EntryKind kind, byte[] virtual, byte[] real, EntryOwner owner) throws TableFullException, EntryConflictException {
        Endpoint v = Endpoint.of(virtual, 0);
        Endpoint r = Endpoint.of(real, 0);
        TranslationEntry e = table.lookupByVirtual(v).orElse(null);
        if (e != null && e.realSide().equals(r) && e.kind() == kind) {
            return e;
        }
        return table.insert(new EntrySpec(kind, v, r, owner, settings.idleTimeout()));
    }

    /** Removes a path; its node and their entries go with the node's last path (a general node's with its last user). */
    synchronized void detach(RelayPath p, String why) {
        if (!byId.remove(Key128.path(p.pathId), p)) {
            return;
        }
        RelayNode node = p.node;
        node.byReal.remove(Key128.of(p.real), p);
        // another path of this node to the same host (another name of it) takes over the replies
        byId.values().stream().filter(o -> o.node == node && Arrays.equals(o.real, p.real)).findFirst()
                .ifPresent(o -> node.byReal.put(Key128.of(o.real), o));
        boolean generalInUse = byId.values().stream().anyMatch(o -> Arrays.equals(o.real, p.real));
        if (!generalInUse && p.generalEntry != null) {
            table.remove(p.generalEntry.id());
        }
        if (node.byReal.isEmpty() && byId.values().stream().noneMatch(o -> o.node == node)) {
            byNode.remove(node.nodeId, node);
            byEgress.remove(node.egressKey, node);
            if (p.nodeEntry != null) {
                table.remove(p.nodeEntry.id());
            }
        }
        LOG.info("RS-N removed {}: {}", p, why);
        storeSoon();
    }

    /** Removes the paths idle beyond the timeout; asks for a write when a path nears its reservation. */
    void expire() {
        long now = clock.getAsLong();
        long idle = settings.idleTimeout().toMillis();
        for (RelayPath p : byId.values()) {
            if (now - p.lastData > idle) {
                detach(p, "idle for " + (now - p.lastData) / 1000 + " s");
            }
        }
        for (RelayPath p : byId.values()) {
            if (p.cipher.sent() > p.sendLimit - PathStore.BLOCK / 2) {
                storeSoon();
                break;
            }
        }
    }

    /** The lowest egress address of the prefix not held by a node (2 and up: 1 is the TUN device's own); null when none. */
    byte[] allocateEgress() {
        BigInteger size = settings.egressPrefix().size();
        for (BigInteger i = BigInteger.TWO; i.compareTo(size) < 0; i = i.add(BigInteger.ONE)) {
            byte[] a = settings.egressPrefix().addressAt(i).getAddress();
            if (!byEgress.containsKey(Key128.of(a))) {
                return a;
            }
            if (i.intValue() > 1_000_000) {
                break;
            }
        }
        return null;
    }
}
