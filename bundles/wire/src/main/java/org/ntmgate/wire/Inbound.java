package org.ntmgate.wire;

import java.net.InetSocketAddress;

/** A signalling message that passed every check, with the address it came from and the key its MAC verified with (null: keyless). */
public record Inbound(Message message, InetSocketAddress sender, MacKey key) {
}
