package org.ntmgate.rsn.impl;

import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.ntmgate.api.net.Prefix;
import org.ntmgate.wire.MacKey;

/** A checked RS-N configuration: every refusal names its field. */
record RsnSettings(InetSocketAddress bind, Map<Integer, MacKey> dcKeys, Map<Integer, byte[]> dcKeyBytes, Prefix egressPrefix, String tunName, int innerMtu,
        Duration idleTimeout) {
    static final String PID = "org.ntmgate.rsn";

    static RsnSettings of(RsnConfig c) {
        InetSocketAddress bind = ConfigChecks.bindAddress(PID, "bindAddress", c.bindAddress(), "port", c.port());
        Map<Integer, MacKey> keys = new TreeMap<>();
        Map<Integer, byte[]> raw = new TreeMap<>();
        String[] entries = c.dcKeys() == null ? new String[0] : c.dcKeys();
        Set<Integer> ids = new HashSet<>();
        for (int i = 0; i < entries.length; i++) {
            String[] w = ConfigChecks.words(PID, "dcKeys", i, entries[i], 2, "'<key id> <K_dr, 64 hex digits>'");
            int id = ConfigChecks.keyId(PID, "dcKeys", i, w[0], ids);
            raw.put(id, ConfigChecks.hexKey(PID, "dcKeys", w[1], 32));
            keys.put(id, new MacKey(id, raw.get(id)));
        }
        if (keys.isEmpty()) {
            throw new InvalidConfigurationException(PID, "dcKeys", "at least one DC key is needed: without one no relay direction can be accepted");
        }
        Prefix egress;
        try {
            egress = Prefix.parse(c.egressPrefix() == null ? "" : c.egressPrefix().trim());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(PID, "egressPrefix", "'" + c.egressPrefix() + "' is not a prefix: " + e.getMessage());
        }
        if (!(egress.network() instanceof Inet6Address) || egress.length() < 64 || egress.length() > 120) {
            throw new InvalidConfigurationException(PID, "egressPrefix", "must be an IPv6 prefix from /64 to /120, not " + egress);
        }
        String tun = ConfigChecks.interfaceName(PID, "tunName", c.tunName());
        int mtu = (int) ConfigChecks.range(PID, "innerMtu", c.innerMtu(), RsnConfig.INNER_MTU_MIN, RsnConfig.INNER_MTU_MAX);
        long idle = ConfigChecks.range(PID, "idleTimeoutSeconds", c.idleTimeoutSeconds(), RsnConfig.IDLE_TIMEOUT_SECONDS_MIN, RsnConfig.IDLE_TIMEOUT_SECONDS_MAX);
        return new RsnSettings(bind, Map.copyOf(keys), Map.copyOf(raw), egress, tun, mtu, Duration.ofSeconds(idle));
    }
}
