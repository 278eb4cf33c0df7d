package org.ntmgate.api.table;

/**
 * EventAdmin topics and properties of table changes. Events are posted asynchronously; a listener sees them in
 * order but after the change.
 */
public final class TableEvents {
    private TableEvents() {
    }

    /** Topic prefix; subscribe to {@code org/ntmgate/table/*} for all. */
    public static final String TOPIC_PREFIX = "org/ntmgate/table/";
    /** An entry was inserted. */
    public static final String TOPIC_ADDED = TOPIC_PREFIX + "ADDED";
    /** An entry left the table; {@link #REASON} says why. */
    public static final String TOPIC_REMOVED = TOPIC_PREFIX + "REMOVED";

    /** Long: the entry id. */
    public static final String ENTRY_ID = "entry.id";
    /** String: {@link EntryKind} name. */
    public static final String KIND = "entry.kind";
    /** String: the virtual side, in presentation format. */
    public static final String VIRTUAL = "entry.virtual";
    /** String: the real side, in presentation format. */
    public static final String REAL = "entry.real";
    /** Long: owner node id. */
    public static final String NODE_ID = "entry.owner.node";
    /** Long: owner path id. */
    public static final String PATH_ID = "entry.owner.path";
    /** String: {@link RemovalReason} name, on removal events only. */
    public static final String REASON = "entry.reason";
}
