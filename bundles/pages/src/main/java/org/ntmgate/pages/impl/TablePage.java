package org.ntmgate.pages.impl;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import org.ntmgate.api.registry.NodeRecord;
import org.ntmgate.api.registry.NodeRegistry;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.osgi.service.component.annotations.Component;

/**
 * Translation table: the shared table's live entries (virtual side, real side, kind, owning node, age, packets and
 * bytes each way), filtered by text and kind, a page at a time ({@code offset}, {@code limit}), with the table's
 * counters. One pass over the table's snapshot per read: no copy of the entries is kept.
 */
@Component(service = Page.class)
@Page.Info(name = "table", title = "Translation table")
public class TablePage extends GatewayPage {

    @Override
    public JsonObject read(Query q) {
        TranslationTable t = gateway.get(TranslationTable.class);
        if (t == null) {
            return Json.of("running", false, "entries", Json.array(), "matching", 0).build();
        }
        String text = q.search();
        String kind = q.get("kind", "");
        int offset = q.offset();
        int limit = q.limit(50);
        EntryKind k = null;
        if (!kind.isEmpty()) {
            try {
                k = EntryKind.valueOf(kind.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw PageException.badRequest("kind", "is one of " + java.util.Arrays.toString(EntryKind.values()) + ", not '" + kind + "'");
            }
        }
        EntryKind wanted = k;
        Predicate<TranslationEntry> filter = e -> wanted == null || e.kind() == wanted;
        if (!text.isEmpty()) {
            filter = filter.and(e -> e.virtualSide().toString().contains(text) || e.realSide().toString().contains(text) || node(e).contains(text));
        }
        List<TranslationEntry> matching = t.entries(filter);
        Instant now = Instant.now();
        JsonArrayBuilder list = Json.array();
        matching.stream().skip(offset).limit(limit).forEach(e -> list.add(Json.of("id", e.id(), "kind", e.kind().name(), "virtual", e.virtualSide().toString(),
                "real", e.realSide().toString(), "node", node(e), "ageSeconds", Duration.between(e.createdAt(), now).toSeconds(), "idleSeconds",
                Duration.between(e.lastUsedAt(), now).toSeconds(), "packetsToReal", e.packetsToReal(), "bytesToReal", e.bytesToReal(), "packetsToVirtual",
                e.packetsToVirtual(), "bytesToVirtual", e.bytesToVirtual(), "hits", e.packetsToReal() + e.packetsToVirtual())));
        TableStatistics s = t.statistics();
        return Json.of("running", true, "size", s.size(), "capacity", s.capacity(), "inserted", s.inserted(), "removed", s.removed(), "expired", s.expired(),
                "refusedFull", s.refusedFull(), "refusedConflict", s.refusedConflict(), "matching", matching.size(), "offset", offset, "limit", limit,
                "entries", list).build();
    }

    /** The owning node's FQDN when this gateway's DC knows it, else its id in hex; empty for none. */
    private String node(TranslationEntry e) {
        long id = e.owner().nodeId();
        if (id == 0) {
            return "";
        }
        NodeRegistry r = gateway.get(NodeRegistry.class);
        String fqdn = r == null ? null : r.byId(id).map(NodeRecord::fqdn).orElse(null);
        return fqdn != null ? fqdn.toLowerCase(Locale.ROOT) : Long.toHexString(id);
    }
}
