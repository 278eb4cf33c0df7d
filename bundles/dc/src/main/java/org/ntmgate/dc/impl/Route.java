package org.ntmgate.dc.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;

import org.ntmgate.api.net.AddressFormat;

/**
 * Where a requester's tunnel goes and with which key (protocol.md 7.5-7.8), and how the DC chose it ({@code via},
 * formatted only when a person looks at it).
 */
record Route(long pathId, Mode mode, InetSocketAddress tunnelEnd, InetAddress peerVirtual, int keyId, byte[] key, Via via) {
    /** ROUTE_MODE (protocol.md 7.8). */
    enum Mode {
        /** Neither end behind a NAT: each tunnels to the other. */
        DIRECT(1),
        /** One end behind a NAT: it starts the tunnel. */
        NAT_SIDE_INITIATOR(2),
        /** Through an RS (both behind NATs, or a general node). */
        RELAY(3);

        private final int code;

        Mode(int code) {
            this.code = code;
        }

        int code() {
            return code;
        }

        /** The mode a peer DC's answer names; an unknown code is refused. */
        static Mode of(int code) {
            for (Mode m : values()) {
                if (m.code == code) {
                    return m;
                }
            }
            throw new IllegalArgumentException("unknown ROUTE_MODE " + code);
        }
    }

    /** How a path was chosen, for the Gogo listing and the debug log. */
    interface Via {
        String describe();
    }

    /** A reason in words. */
    record Said(String text) implements Via {
        @Override
        public String describe() {
            return text;
        }
    }

    /** A relayed general node, described lazily: most paths are never listed. */
    record ViaRelay(String relayId, InetAddress real, InetAddress virtual) implements Via {
        @Override
        public String describe() {
            return "relay " + relayId + " to " + AddressFormat.format(real.getAddress()) + " as " + AddressFormat.format(virtual.getAddress());
        }
    }
}
