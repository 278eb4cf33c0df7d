package org.ntmgate.node.impl;

import java.net.Inet4Address;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

import org.ntmgate.api.net.Prefix;

/** The IPv4 networks on this host's interfaces, which the node's IPv4 pool must stay out of (protocol.md 11.6.1). */
final class HostNetworks {
    private HostNetworks() {
    }

    /** "100.64.1.0/24 on eth1" when {@code pool} overlaps a network of an interface, else null. */
    static String overlapping(Prefix pool) {
        try {
            for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress a : i.getInterfaceAddresses()) {
                    if (a.getAddress() instanceof Inet4Address && !a.getAddress().isLoopbackAddress()) {
                        Prefix net = Prefix.of(a.getAddress(), 32).widenedTo(a.getNetworkPrefixLength());
                        if (net.overlaps(pool)) {
                            return net + " on " + i.getName();
                        }
                    }
                }
            }
        } catch (SocketException e) {
            return null; // nothing to compare with: the interfaces cannot be listed
        }
        return null;
    }
}
