package org.ntmgate.node.impl;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.ntmgate.role.Key128;

/**
 * The node's paths by path id (DATA and signalling from the tunnel end), by name (the DNS stub, 11.2) and by the
 * peer's virtual address (packets from the TUN device, with the reader's probe). Lookups take no lock.
 */
final class NodeTunnels {
    private final Map<Long, NodePath> byId = new ConcurrentHashMap<>();
    private final Map<String, NodePath> byName = new ConcurrentHashMap<>();
    private final Map<Key128, NodePath> byPeer = new ConcurrentHashMap<>();

    /** Adds a path; one for the same id is replaced. */
    synchronized void add(NodePath p) {
        NodePath old = byId.put(p.pathId, p);
        if (old != null) {
            byPeer.remove(Key128.of(old.peerVirtual), old);
        }
        byName.put(p.name, p);
        byPeer.put(Key128.of(p.peerVirtual), p);
    }

    /** Removes a path; false when it was gone already. */
    synchronized boolean remove(NodePath p) {
        if (!byId.remove(p.pathId, p)) {
            return false;
        }
        byName.remove(p.name, p);
        byPeer.remove(Key128.of(p.peerVirtual), p);
        return true;
    }

    NodePath byId(long pathId) {
        return byId.get(pathId);
    }

    NodePath byName(String name) {
        return byName.get(name);
    }

    /** The path to the peer whose virtual address {@code probe} holds. */
    NodePath byPeer(Key128 probe) {
        return byPeer.get(probe);
    }

    boolean has(long pathId) {
        return byId.containsKey(pathId);
    }

    List<NodePath> all() {
        return new ArrayList<>(byId.values());
    }
}
