package org.ntmgate.api.table;

/** One side of a new entry is already mapped by another live entry; nothing was inserted. */
public class EntryConflictException extends TranslationTableException {
    private static final long serialVersionUID = 1L;
    private final TranslationEntry existing;

    public EntryConflictException(String side, TranslationEntry existing) {
        super(side + " side " + (side.equals("virtual") ? existing.virtualSide() : existing.realSide())
                + " is already mapped by entry " + existing.id());
        this.existing = existing;
    }

    /** The entry that holds the endpoint. */
    public TranslationEntry existing() {
        return existing;
    }
}
