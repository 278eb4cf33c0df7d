package org.ntmgate.dc.impl;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.IntFunction;

import org.ntmgate.api.config.ConfigChecks;
import org.ntmgate.api.config.InvalidConfigurationException;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TextParseException;

/**
 * The DC's validated configuration ({@link DcConfig}); {@link #from} refuses anything wrong naming the field (and
 * the entry). Timers are the protocol's (8.1) and not configurable; tests shorten them with {@link #withTimers}.
 */
record DcSettings(InetSocketAddress bind, IntFunction<byte[]> asDcKeys, Duration lifetime, String zone, InetSocketAddress dnsResolver,
        InetSocketAddress dnsUpdateServer, TSIG tsig, Duration dnsTtl, List<Relay> relays, List<PeerDc> peers, int innerMtu,
        Duration pathLifetime, Timers timers) {
    static final String PID = DirectionCoordinatorComponent.PID;

    /** An RS-N the DC may direct (protocol.md 7.7), with K_dr. */
    record Relay(String id, InetSocketAddress address, int keyId, byte[] key) {
    }

    /** A peer DC by the zone it serves, with K_dd (7.5). */
    record PeerDc(String zone, int keyId, byte[] key) {
    }

    /** Retransmission (protocol.md 8.1): first timeout, doubled up to {@code maxRto}, {@code tries} sends in all. */
    record Timers(Duration initialRto, Duration maxRto, int tries) {
        static final Timers PROTOCOL = new Timers(Duration.ofMillis(500), Duration.ofSeconds(4), 5);

        Duration budget() {
            long total = 0;
            long rto = initialRto.toMillis();
            for (int i = 0; i < tries; i++) {
                total += rto;
                rto = Math.min(rto * 2, maxRto.toMillis());
            }
            return Duration.ofMillis(total);
        }
    }

    DcSettings withTimers(Timers t) {
        return new DcSettings(bind, asDcKeys, lifetime, zone, dnsResolver, dnsUpdateServer, tsig, dnsTtl, relays, peers, innerMtu, pathLifetime, t);
    }

    /** Settings for tests and tools: no zone, no relays, no peers. */
    static DcSettings basic(InetSocketAddress bind, IntFunction<byte[]> asDcKeys, Duration lifetime, InetSocketAddress dnsResolver) {
        return new DcSettings(bind, asDcKeys, lifetime, null, dnsResolver, dnsResolver, null, Duration.ofSeconds(60), List.of(), List.of(),
                1400, Duration.ofHours(1), Timers.PROTOCOL);
    }

    DcSettings withZone(String z, TSIG key, List<Relay> r, List<PeerDc> p) {
        return new DcSettings(bind, asDcKeys, lifetime, z, dnsResolver, dnsUpdateServer, key, dnsTtl, r, p, innerMtu, pathLifetime, timers);
    }

    PeerDc peerForZone(String z) {
        return peers.stream().filter(p -> p.zone().equals(z)).findFirst().orElse(null);
    }

    static DcSettings from(DcConfig c) {
        InetSocketAddress bind = ConfigChecks.bindAddress(PID, "bindAddress", c.bindAddress(), "port", c.port());
        if (c.asDcKeyId() == 0) {
            throw new InvalidConfigurationException(PID, "asDcKeyId", "must not be 0");
        }
        byte[] key = ConfigChecks.hexKey(PID, "asDcKey", c.asDcKey(), 32);
        long lifetime = ConfigChecks.range(PID, "registrationLifetimeSeconds", c.registrationLifetimeSeconds(), DcConfig.REGISTRATION_LIFETIME_SECONDS_MIN, DcConfig.REGISTRATION_LIFETIME_SECONDS_MAX);
        int keyId = c.asDcKeyId();
        String zone = blank(c.zone()) ? null : dnsName("zone", c.zone());
        InetSocketAddress resolver = hostPort("dnsResolver", c.dnsResolver());
        InetSocketAddress update = blank(c.dnsUpdateServer()) ? resolver : hostPort("dnsUpdateServer", c.dnsUpdateServer());
        TSIG tsig = null;
        if (!blank(c.tsigKeyName())) {
            if (zone == null) {
                throw new InvalidConfigurationException(PID, "tsigKeyName", "is set but zone is empty: updates need a zone");
            }
            String keyName = c.tsigKeyName().trim().toLowerCase(Locale.ROOT);
            if (!keyName.matches("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*\\.?")) {
                throw new InvalidConfigurationException(PID, "tsigKeyName", "'" + c.tsigKeyName() + "' is not a DNS name");
            }
            keyName = keyName.endsWith(".") ? keyName.substring(0, keyName.length() - 1) : keyName;
            byte[] secret;
            try {
                secret = Base64.getDecoder().decode(c.tsigSecret() == null ? "" : c.tsigSecret().trim());
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(PID, "tsigSecret", "is not base64");
            }
            if (secret.length < 16) {
                throw new InvalidConfigurationException(PID, "tsigSecret", "must be at least 16 bytes (base64 of them)");
            }
            try {
                tsig = new TSIG(TSIG.HMAC_SHA256, Name.fromString(keyName + "."), secret);
            } catch (TextParseException e) {
                throw new InvalidConfigurationException(PID, "tsigKeyName", e.getMessage());
            }
        }
        long ttl = ConfigChecks.range(PID, "dnsTtlSeconds", c.dnsTtlSeconds(), DcConfig.DNS_TTL_SECONDS_MIN, DcConfig.DNS_TTL_SECONDS_MAX);
        Set<Integer> keyIds = new HashSet<>();
        keyIds.add(keyId);
        List<Relay> relays = new ArrayList<>();
        Set<String> relayIds = new HashSet<>();
        String[] r = c.relays() == null ? new String[0] : c.relays();
        for (int i = 0; i < r.length; i++) {
            String[] w = ConfigChecks.words(PID, "relays", i, r[i], 4, "'<id> <host>:<port> <key id> <K_dr, 64 hex digits>'");
            if (!relayIds.add(w[0])) {
                throw new InvalidConfigurationException(PID, "relays", "entry " + (i + 1) + ": relay id '" + w[0] + "' appears twice");
            }
            InetSocketAddress a = hostPort("relays", w[1]);
            int id = ConfigChecks.keyId(PID, "relays", i, w[2], keyIds);
            relays.add(new Relay(w[0], a, id, ConfigChecks.hexKey(PID, "relays", w[3], 32)));
        }
        List<PeerDc> peers = new ArrayList<>();
        String[] p = c.peers() == null ? new String[0] : c.peers();
        for (int i = 0; i < p.length; i++) {
            String[] w = ConfigChecks.words(PID, "peers", i, p[i], 3, "'<zone> <key id> <K_dd, 64 hex digits>'");
            String pz = dnsName("peers", w[0]);
            if (pz.equals(zone)) {
                throw new InvalidConfigurationException(PID, "peers", "entry " + (i + 1) + ": zone " + pz + " is this DC's own zone");
            }
            peers.add(new PeerDc(pz, ConfigChecks.keyId(PID, "peers", i, w[1], keyIds), ConfigChecks.hexKey(PID, "peers", w[2], 32)));
        }
        int mtu = (int) ConfigChecks.range(PID, "innerMtu", c.innerMtu(), DcConfig.INNER_MTU_MIN, DcConfig.INNER_MTU_MAX);
        long pathLifetime = ConfigChecks.range(PID, "pathLifetimeSeconds", c.pathLifetimeSeconds(), DcConfig.PATH_LIFETIME_SECONDS_MIN, DcConfig.PATH_LIFETIME_SECONDS_MAX);
        return new DcSettings(bind, id -> id == keyId ? key : null, Duration.ofSeconds(lifetime), zone, resolver, update, tsig,
                Duration.ofSeconds(ttl), List.copyOf(relays), List.copyOf(peers), mtu, Duration.ofSeconds(pathLifetime), Timers.PROTOCOL);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String dnsName(String field, String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        t = t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
        if (t.length() > 253 || !t.matches("[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)+")) {
            throw new InvalidConfigurationException(PID, field, "'" + text + "' is not a DNS name of two labels or more");
        }
        return t;
    }

    /** host:port, [v6]:port; the host must be a literal address (no DNS lookup while configuring). */
    private static InetSocketAddress hostPort(String field, String text) {
        String t = text == null ? "" : text.trim();
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            throw new InvalidConfigurationException(PID, field, "'" + text + "' is not <address>:<port>");
        }
        String host = t.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 1 || port > 65535) {
            throw new InvalidConfigurationException(PID, field, "'" + text + "': the port must be 1-65535");
        }
        if (!host.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new InvalidConfigurationException(PID, field, "'" + text + "': give an IP address, not a name");
        }
        try {
            return new InetSocketAddress(InetAddress.getByName(host), port);
        } catch (UnknownHostException e) {
            throw new InvalidConfigurationException(PID, field, "'" + text + "' is not an IP address");
        }
    }
}
