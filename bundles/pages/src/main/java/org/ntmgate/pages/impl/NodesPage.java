package org.ntmgate.pages.impl;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.relay.RelayTunnels;
import org.ntmgate.api.relay.Tunnel;
import org.osgi.service.component.annotations.Component;

/**
 * Nodes and tunnels: the DC's registered nodes (FQDN, virtual addresses, the real address and port the DC saw and
 * the one the node reported, whether a NAT sits between, the path in use, last contact) and the RS-N's live
 * tunnels (node, peer, packets and bytes each way, age, idle time), each with a disconnect action
 * ({@code disconnect} with {@code path}, hex).
 */
@Component(service = Page.class)
@Page.Info(name = "nodes", title = "Nodes and tunnels")
public class NodesPage extends GatewayPage {

    @Override
    public JsonObject read(Query q) {
        String text = q.search();
        int offset = q.offset();
        int limit = q.limit(100);
        RelayTunnels rt = gateway.get(RelayTunnels.class);
        List<Tunnel> tunnels = rt == null ? List.of() : rt.tunnels();
        Map<Long, Integer> relayedByNode = new HashMap<>();
        tunnels.forEach(t -> relayedByNode.merge(t.nodeId(), 1, Integer::sum));
        Instant now = Instant.now();
        NodeRegistry r = gateway.get(NodeRegistry.class);
        List<NodeRecord> nodes = r == null ? List.of()
                : r.nodes().stream().filter(n -> text.isEmpty() || n.fqdn().toLowerCase(Locale.ROOT).contains(text) || String.valueOf(n.virtualV4()).contains(text)
                        || String.valueOf(n.virtualV6()).contains(text)).sorted(Comparator.comparing(NodeRecord::fqdn)).toList();
        JsonArrayBuilder ns = Json.array();
        nodes.stream().skip(offset).limit(limit).forEach(n -> {
            int relayed = relayedByNode.getOrDefault(n.nodeId(), 0);
            ns.add(Json.of("id", Long.toHexString(n.nodeId()), "fqdn", n.fqdn(), "virtualV4", text(n.virtualV4()), "virtualV6", text(n.virtualV6()), "realSeen",
                    String.valueOf(n.realSeen()), "realReported", String.valueOf(n.realReported()), "nat", n.behindNat() ? "behind a NAT" : "no NAT seen",
                    "path", relayed > 0 ? "relayed (" + relayed + " tunnel" + (relayed == 1 ? "" : "s") + ")" : "no relayed path",
                    "registered", n.registeredAt(), "lastSeen", n.lastContact(), "lastSeenSecondsAgo", Duration.between(n.lastContact(), now).toSeconds()));
        });
        JsonArrayBuilder ts = Json.array();
        tunnels.stream().filter(t -> text.isEmpty() || node(r, t).contains(text) || t.real().contains(text) || t.peer().contains(text)
                || key(t.destination()).contains(text))
                .sorted(Comparator.comparing((Tunnel t) -> node(r, t)).thenComparing(Tunnel::pathId)).limit(1000)
                .forEach(t -> ts.add(Json.of("path", Long.toHexString(t.pathId()), "node", node(r, t), "destination", t.destination(), "nodeVirtual",
                        t.nodeVirtual(), "peer", t.peer(), "real",
                        t.real(), "egress", t.egress(), "endpoint", t.endpoint(), "packetsToReal", t.packetsToReal(), "bytesToReal", t.bytesToReal(),
                        "packetsToNode", t.packetsToNode(), "bytesToNode", t.bytesToNode(), "ageSeconds", Duration.between(t.created(), now).toSeconds(),
                        "idleSeconds", Duration.between(t.lastData(), now).toSeconds())));
        return Json.of("dcRunning", r != null, "rsnRunning", rt != null, "nodesMatching", nodes.size(), "offset", offset, "limit", limit, "nodes", ns,
                "tunnels", ts, "tunnelCount", tunnels.size(), "now", now).build();
    }

    @Override
    public JsonObject act(String action, Query q) {
        if (!action.equals("disconnect")) {
            return super.act(action, q);
        }
        String path = q.required("path");
        long id;
        try {
            id = Long.parseUnsignedLong(path, 16);
        } catch (NumberFormatException e) {
            throw PageException.badRequest("path", "is a path id in hex, not '" + path + "'");
        }
        RelayTunnels rt = gateway.get(RelayTunnels.class);
        if (rt == null) {
            throw new PageException(409, null, "no RS-N runs on this gateway");
        }
        if (!rt.disconnect(id)) {
            throw new PageException(404, "path", "no live tunnel " + path);
        }
        return Json.of("done", "tunnel " + path + " disconnected").build();
    }

    /** The tunnel's node by name when this gateway's DC knows it, else by id. */
    private static String node(NodeRegistry r, Tunnel t) {
        String fqdn = r == null ? null : r.byId(t.nodeId()).map(NodeRecord::fqdn).orElse(null);
        return fqdn != null ? key(fqdn) : "node " + Long.toHexString(t.nodeId());
    }

    private static String key(String fqdn) {
        return fqdn == null ? "" : fqdn.toLowerCase(Locale.ROOT).replaceAll("\\.$", "");
    }

    private static String text(java.net.InetAddress a) {
        return a == null ? null : org.ntmgate.api.net.AddressFormat.format(a.getAddress());
    }
}
