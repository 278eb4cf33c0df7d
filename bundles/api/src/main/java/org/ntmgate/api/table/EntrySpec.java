package org.ntmgate.api.table;

import java.time.Duration;
import java.util.Objects;

import org.ntmgate.api.net.Endpoint;

/**
 * What to insert: both sides, the kind, the owner and optionally an idle timeout of its own.
 *
 * @param kind what the entry translates
 * @param virtualSide the virtual endpoint (what applications and tunnels see)
 * @param realSide the real endpoint (what the real network sees)
 * @param owner the node and path the entry belongs to
 * @param idleTimeout how long the entry may stay unused before it expires; {@code null} for the table's default
 */
public record EntrySpec(EntryKind kind, Endpoint virtualSide, Endpoint realSide, EntryOwner owner, Duration idleTimeout) {
    public EntrySpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(virtualSide, "virtualSide");
        Objects.requireNonNull(realSide, "realSide");
        Objects.requireNonNull(owner, "owner");
        if (idleTimeout != null && (idleTimeout.isNegative() || idleTimeout.isZero())) {
            throw new IllegalArgumentException("idleTimeout must be positive, not " + idleTimeout);
        }
    }

    /** An entry with the table's default idle timeout. */
    public static EntrySpec of(EntryKind kind, Endpoint virtualSide, Endpoint realSide, EntryOwner owner) {
        return new EntrySpec(kind, virtualSide, realSide, owner, null);
    }
}
