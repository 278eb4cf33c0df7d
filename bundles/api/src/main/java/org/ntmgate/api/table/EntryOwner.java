package org.ntmgate.api.table;

/**
 * Who an entry belongs to: the NTMobile node id and path id it was built for (docs/protocol.md), so that a node's
 * or a path's entries can be found and removed together. Roles without those ids (Teredo, static entries) use
 * {@link #NONE} or ids of their own choosing.
 */
public final class EntryOwner {
    /** No node and no path. */
    public static final EntryOwner NONE = new EntryOwner(0, 0);

    private final long nodeId;
    private final long pathId;

    private EntryOwner(long nodeId, long pathId) {
        this.nodeId = nodeId;
        this.pathId = pathId;
    }

    public static EntryOwner of(long nodeId, long pathId) {
        return nodeId == 0 && pathId == 0 ? NONE : new EntryOwner(nodeId, pathId);
    }

    public long nodeId() {
        return nodeId;
    }

    public long pathId() {
        return pathId;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EntryOwner && ((EntryOwner) o).nodeId == nodeId && ((EntryOwner) o).pathId == pathId;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(nodeId) * 31 + Long.hashCode(pathId);
    }

    @Override
    public String toString() {
        return "node=" + Long.toUnsignedString(nodeId, 16) + " path=" + Long.toUnsignedString(pathId, 16);
    }
}
