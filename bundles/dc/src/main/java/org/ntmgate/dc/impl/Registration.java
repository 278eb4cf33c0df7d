package org.ntmgate.dc.impl;

import org.ntmgate.api.registry.NodeRecord;

/** A registered node and the session key it shares with this DC (K_nd, from its ticket). */
record Registration(NodeRecord record, int keyId, byte[] sessionKey, long ticketExpiryMillis) {
}
