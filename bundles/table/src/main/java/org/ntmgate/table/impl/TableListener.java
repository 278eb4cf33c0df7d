package org.ntmgate.table.impl;

import org.ntmgate.api.table.RemovalReason;

/** Told of every membership change, after it happened; the component forwards these to EventAdmin. */
interface TableListener {
    TableListener NONE = new TableListener() {
        @Override
        public void added(Entry entry) {
        }

        @Override
        public void removed(Entry entry, RemovalReason reason) {
        }
    };

    void added(Entry entry);

    void removed(Entry entry, RemovalReason reason);
}
