package org.ntmgate.pages.impl;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import org.ntmgate.api.health.RoleCounters;
import org.ntmgate.api.health.RoleStatus;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.api.teredo.TeredoClientState;
import org.ntmgate.api.teredo.TeredoClientView;
import org.osgi.service.component.annotations.Component;

/**
 * Teredo: the server's, the relay's and the client's state and counters; the relay's peers (its TEREDO_PEER entries
 * in the shared table); the client's qualification, the server it uses, its mapped address, the NAT type it saw
 * (whether the mapping varies by destination; whether peers behind the same NAT are reached by their local
 * addresses) and its peers.
 */
@Component(service = Page.class)
@Page.Info(name = "teredo", title = "Teredo")
public class TeredoPage extends GatewayPage {

    @Override
    public JsonObject read(Query q) {
        JsonObjectBuilder relay = role("teredo-relay");
        if (relay != null) {
            TranslationTable t = gateway.get(TranslationTable.class);
            List<TranslationEntry> peers = t == null ? List.of() : t.entries(e -> e.kind() == EntryKind.TEREDO_PEER);
            Instant now = Instant.now();
            JsonArrayBuilder ps = Json.array();
            peers.stream().limit(1000).forEach(e -> ps.add(Json.of("address", e.virtualSide().address().getHostAddress(), "mapping", e.realSide().toString(),
                    "idleSeconds", Duration.between(e.lastUsedAt(), now).toSeconds(), "packetsToPeer", e.packetsToReal(), "packetsFromPeer", e.packetsToVirtual())));
            relay.add("peers", ps).add("peerCount", peers.size());
        }
        JsonObjectBuilder c = role("teredo-client");
        TeredoClientView v = gateway.get(TeredoClientView.class);
        TeredoClientState s = v == null ? null : v.state();
        if (c != null && s != null) {
            JsonArrayBuilder ps = Json.array();
            s.peers().forEach(p -> ps.add(Json.of("address", p.address(), "teredo", p.teredo(), "via", p.via(), "lastHeard", p.lastHeard(), "queued", p.queued())));
            Json.put(c, "qualification", Json.of("state", s.state(), "nat", s.nat(), "mappingVariesByDestination", s.mappingVariesByDestination(), "natHairpins", s.natHairpins(),
                    "localAddressExchange", s.localAddressExchange(), "peersByLocalAddress", s.peersByLocalAddress(), "address", s.address(), "mapped",
                    s.mapped(), "server", s.server(), "why", s.why()));
            c.add("peers", ps);
        }
        return Json.of("server", role("teredo-server"), "relay", relay, "client", c).build();
    }

    /** A Teredo role's state and counters, or null when it is not configured here. */
    private JsonObjectBuilder role(String name) {
        RoleStatus r = gateway.role(name);
        if (r == null) {
            return null;
        }
        RoleCounters k = r.counters();
        return Json.of("serving", r.serving(), "detail", r.detail(), "since", r.since(), "packets", Json.counts(k.packets()), "drops", Json.counts(k.drops()));
    }
}
