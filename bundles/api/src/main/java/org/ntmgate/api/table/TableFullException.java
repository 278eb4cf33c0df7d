package org.ntmgate.api.table;

/** The table holds as many entries as its configured capacity allows; nothing was inserted. */
public class TableFullException extends TranslationTableException {
    private static final long serialVersionUID = 1L;
    private final int capacity;

    public TableFullException(int capacity) {
        super("translation table is full (capacity " + capacity
                + "): raise 'capacity' of configuration org.ntmgate.table or wait for idle entries to expire");
        this.capacity = capacity;
    }

    public int capacity() {
        return capacity;
    }
}
