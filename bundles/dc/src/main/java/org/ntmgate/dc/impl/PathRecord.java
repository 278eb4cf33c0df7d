package org.ntmgate.dc.impl;

/** A path this DC directed (protocol.md 7.4), kept for the Gogo listing until its key expires. */
record PathRecord(long pathId, String from, String to, Route.Via via, long createdMillis) {
    String how() {
        return via.describe();
    }
}
