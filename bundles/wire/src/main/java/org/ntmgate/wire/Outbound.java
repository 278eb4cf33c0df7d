package org.ntmgate.wire;

import java.net.InetSocketAddress;

/** A signalling message to send: MACed with {@code key} (null only for LOGIN_REQUEST) to {@code recipient}. */
public record Outbound(Message message, MacKey key, InetSocketAddress recipient) {
}
