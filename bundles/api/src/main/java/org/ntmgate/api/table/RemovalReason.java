package org.ntmgate.api.table;

/** Why an entry left the table; carried by the removal event. */
public enum RemovalReason {
    /** An owner or an administrator removed it. */
    REMOVED,
    /** It stayed unused past its idle timeout. */
    EXPIRED,
    /** The whole table, or all of an owner's entries, were cleared. */
    CLEARED
}
