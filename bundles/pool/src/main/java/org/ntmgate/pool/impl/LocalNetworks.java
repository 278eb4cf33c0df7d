package org.ntmgate.pool.impl;

import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import org.ntmgate.api.net.Prefix;

/**
 * The networks the gateway's own interfaces are on: a pool there would hand out addresses the gateway's neighbours
 * (or the gateway itself) already use, and the host's routes would send virtual traffic onto that link. A network
 * wider than a LAN (shorter than /16 for IPv4, /48 for IPv6, as a cloud host's 10.0.0.0/8 can be) counts as its
 * interface's address alone: refusing every pool in it would refuse the shipped defaults on such a host.
 */
final class LocalNetworks {
    private LocalNetworks() {
    }

    /** Each address of an interface that is up, as "address/length on name", skipping addresses {@code ours} says a pool handed out. */
    static List<Network> now(Predicate<InetAddress> ours) {
        List<Network> out = new ArrayList<>();
        try {
            for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!ni.isUp()) {
                    continue;
                }
                for (InterfaceAddress ia : ni.getInterfaceAddresses()) {
                    InetAddress a = ia.getAddress();
                    if (a == null || ours.test(a)) {
                        continue;
                    }
                    int len = ia.getNetworkPrefixLength();
                    int max = a.getAddress().length * 8;
                    if (len < 0 || len > max) {
                        len = max;
                    }
                    int lan = max == 32 ? 16 : 48;
                    out.add(new Network(Prefix.of(a, max).widenedTo(len < lan ? max : len), a, ni.getName()));
                }
            }
        } catch (SocketException e) {
            // no interface list: nothing to compare with
        }
        return out;
    }

    /** One interface address and the network it is on. */
    record Network(Prefix prefix, InetAddress address, String device) {
        @Override
        public String toString() {
            return prefix + " (" + device + ")";
        }
    }
}
