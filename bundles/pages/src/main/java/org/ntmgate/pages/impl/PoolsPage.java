package org.ntmgate.pages.impl;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.config.ConfigurationCheck;
import org.ntmgate.api.pool.Lease;
import org.ntmgate.api.pool.PoolInfo;
import org.ntmgate.api.pool.VirtualAddressPools;
import org.osgi.service.component.annotations.Component;

/**
 * Pools: every virtual address pool (factory PID {@code org.ntmgate.pool}) with its prefix, size, use and leases
 * (searchable, paged), and pools that are configured but refused; add, edit and remove a pool (actions
 * {@code save} and {@code remove}), checked by the pool bundle's validator through the gate before anything is
 * stored: a malformed prefix, an overlap with another pool or with a network of the gateway, a prefix that would
 * strand live leases (with the smallest prefix that keeps them). Sizes are decimal text: an IPv6 pool's exceed what
 * a JSON number holds exactly.
 */
@Component(service = Page.class)
@Page.Info(name = "pools", title = "Pools")
public class PoolsPage extends GatewayPage {
    static final String FACTORY = "org.ntmgate.pool";

    /** Leases in address order within each pool (numeric: no text made per comparison; 20,000 leases sort in a few ms). */
    private static final java.util.Comparator<Lease> BY_POOL_AND_ADDRESS = java.util.Comparator.comparing(Lease::pool)
            .thenComparing((a, b) -> java.util.Arrays.compareUnsigned(a.address().getAddress(), b.address().getAddress()));

    @Override
    public JsonObject read(Query q) {
        VirtualAddressPools p = gateway.get(VirtualAddressPools.class);
        List<PoolInfo> infos = p == null ? List.of() : p.pools();
        List<Lease> leases = p == null ? List.of() : p.leases();
        Map<String, String> pidByName = new HashMap<>();
        Map<String, Map<String, Object>> configured = Configurations.factory(gateway.ca, FACTORY);
        configured.forEach((pid, props) -> pidByName.put(String.valueOf(props.get("name")), pid));
        Map<String, Long> leasesNow = new HashMap<>();
        Instant now = Instant.now();
        leases.stream().filter(l -> l.expires().isAfter(now)).forEach(l -> leasesNow.merge(l.pool(), 1L, Long::sum));
        JsonArrayBuilder list = Json.array();
        Map<String, Boolean> shown = new LinkedHashMap<>();
        for (PoolInfo i : infos) {
            String pid = pidByName.get(i.name());
            shown.put(pid, true);
            Map<String, Object> props = pid == null ? Map.of() : configured.get(pid);
            list.add(Json.of("name", i.name(), "pid", pid, "prefix", i.prefix().toString(), "family", i.prefix().family().toString(), "purpose",
                    i.purpose().name(), "leaseTimeSeconds", i.leaseTime().toSeconds(), "size", i.capacity().toString(), "used", i.leased(), "free",
                    i.capacity().subtract(java.math.BigInteger.valueOf(i.leased())).toString(), "file", props.get("felix.fileinstall.filename"), "state", "serving",
                    "refusal", pid == null ? null : gateway.refusal(pid)));
        }
        configured.forEach((pid, props) -> {
            if (!shown.containsKey(pid)) {
                list.add(Json.of("name", props.get("name"), "pid", pid, "prefix", props.get("prefix"), "purpose", props.get("purpose"), "leaseTimeSeconds",
                        props.get("leaseTimeSeconds"), "file", props.get("felix.fileinstall.filename"), "state", "not handing out addresses",
                        "refusal", gateway.refusal(pid)));
            }
        });
        String search = q.search();
        String pool = q.get("pool", "");
        int offset = q.offset();
        int limit = q.limit(100);
        List<Lease> matching = leases.stream().filter(l -> pool.isEmpty() || l.pool().equals(pool))
                .filter(l -> search.isEmpty() || l.owner().toLowerCase(Locale.ROOT).contains(search) || l.address().getHostAddress().contains(search))
                .sorted(BY_POOL_AND_ADDRESS).toList();
        JsonArrayBuilder ls = Json.array();
        matching.stream().skip(offset).limit(limit).forEach(l -> ls.add(Json.of("pool", l.pool(), "address", l.address().getHostAddress(), "owner", l.owner(),
                "since", l.granted(), "expires", l.expires(), "live", l.expires().isAfter(now))));
        return Json.of("pools", list, "leases", ls, "leasesMatching", matching.size(), "offset", offset, "limit", limit, "serviceRunning", p != null).build();
    }

    @Override
    public JsonObject act(String action, Query q) {
        return switch (action) {
            case "save" -> save(q);
            case "remove" -> remove(q);
            default -> super.act(action, q);
        };
    }

    private JsonObject save(Query q) {
        String name = q.required("name");
        String pid = q.get("pid", FACTORY + "~" + name);
        Map<String, Map<String, Object>> configured = Configurations.factory(gateway.ca, FACTORY);
        if (!q.has("pid") && configured.containsKey(pid)) {
            throw PageException.badRequest("name", "a pool named '" + name + "' exists already: edit it, or choose another name");
        }
        if (q.has("pid") && !configured.containsKey(pid)) {
            throw new PageException(404, null, "no pool configuration " + pid + " (removed meanwhile?)");
        }
        Map<String, Object> props = new LinkedHashMap<>(q.has("pid") ? configured.get(pid) : Map.of());
        props.put("name", name);
        props.put("prefix", q.required("prefix"));
        props.put("purpose", q.get("purpose", "NODE").toUpperCase(Locale.ROOT));
        String lease = q.get("leaseTimeSeconds", "3600");
        try {
            props.put("leaseTimeSeconds", Long.parseLong(lease));
        } catch (NumberFormatException e) {
            throw PageException.badRequest("leaseTimeSeconds", "must be a whole number of seconds, not '" + lease + "'");
        }
        Configurations.write(gateway.ca, gateway.get(ConfigurationCheck.class), pid, FACTORY, props);
        return Json.of("done", "pool '" + name + "' saved: " + props.get("prefix"), "pid", pid).build();
    }

    private JsonObject remove(Query q) {
        String pid = q.required("pid");
        if (!pid.startsWith(FACTORY + "~") && !Configurations.factory(gateway.ca, FACTORY).containsKey(pid)) {
            throw PageException.badRequest("pid", "'" + pid + "' is not a pool configuration");
        }
        Configurations.delete(gateway.ca, gateway.get(ConfigurationCheck.class), pid);
        return Json.of("done", "pool configuration " + pid + " removed; its live leases stay until they expire", "pid", pid).build();
    }
}
