package org.ntmgate.table.impl;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TableStatistics;
import org.ntmgate.api.table.TranslationEntry;
import org.ntmgate.api.table.TranslationTable;
import org.ntmgate.api.table.TranslationTableException;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;

/**
 * Gogo commands in scope {@code table}. Later roles add their own scopes ({@code dc:}, {@code rsn:}, {@code teredo:})
 * the same way: a component whose service properties name the scope and functions.
 */
@Component(service = TableCommands.class, property = {
        "osgi.command.scope=table",
        "osgi.command.function=list", "osgi.command.function=lookup", "osgi.command.function=remove",
        "osgi.command.function=clear", "osgi.command.function=stats", "osgi.command.function=add" })
public class TableCommands {
    private final TranslationTable table;

    @org.osgi.service.component.annotations.Activate
    public TableCommands(@Reference TranslationTable table) {
        this.table = table;
    }

    @Descriptor("list all translation entries")
    public String list() {
        return format(table.entries(e -> true));
    }

    @Descriptor("list the translation entries of one kind (NTM_NODE, NTM_GENERAL_NODE, TEREDO_PEER, STATIC, NODE_IPV4)")
    public String list(@Descriptor("entry kind") String kind) {
        EntryKind k;
        try {
            k = EntryKind.valueOf(kind.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return "unknown kind '" + kind + "'; one of " + List.of(EntryKind.values());
        }
        return format(table.entries(e -> e.kind() == k));
    }

    @Descriptor("find the entry whose virtual or real side is an endpoint: address, address:port, or an IPv6 address and port in quotes ('[2001:db8::9]:80': Gogo reads [..] unquoted as a list)")
    public String lookup(@Descriptor("endpoint") String endpoint) {
        Endpoint ep;
        try {
            ep = Endpoint.parse(endpoint);
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
        Optional<TranslationEntry> byVirtual = table.lookupByVirtual(ep);
        Optional<TranslationEntry> byReal = table.lookupByReal(ep);
        if (byVirtual.isEmpty() && byReal.isEmpty()) {
            return "no entry maps " + ep;
        }
        StringBuilder sb = new StringBuilder();
        byVirtual.ifPresent(e -> sb.append("virtual side of:\n").append(detail(e)));
        byReal.ifPresent(e -> sb.append("real side of:\n").append(detail(e)));
        return sb.toString();
    }

    @Descriptor("remove one entry by id")
    public String remove(@Descriptor("entry id") long id) {
        return table.remove(id) ? "removed entry " + id : "no live entry " + id;
    }

    @Descriptor("remove every entry")
    public String clear() {
        return "cleared " + table.clear() + " entries";
    }

    @Descriptor("remove every entry of one owner")
    public String clear(@Descriptor("owner node id (hex)") String node, @Descriptor("owner path id (hex)") String path) {
        try {
            EntryOwner owner = EntryOwner.of(Long.parseUnsignedLong(node, 16), Long.parseUnsignedLong(path, 16));
            return "cleared " + table.removeByOwner(owner) + " entries of " + owner;
        } catch (NumberFormatException e) {
            return "node and path ids are hexadecimal: " + e.getMessage();
        }
    }

    @Descriptor("table size, capacity and counters")
    public String stats() {
        TableStatistics s = table.statistics();
        return String.format("entries %d / capacity %d%ninserted %d, removed %d, expired %d%nrefused: full %d, conflict %d",
                s.size(), s.capacity(), s.inserted(), s.removed(), s.expired(), s.refusedFull(), s.refusedConflict());
    }

    @Descriptor("add a static entry (diagnosis, fixed mappings) with the table's idle timeout")
    public String add(@Descriptor("virtual side (quote '[v6]:port')") String virtualSide, @Descriptor("real side (quote '[v6]:port')") String realSide) {
        return add(virtualSide, realSide, 0);
    }

    @Descriptor("add a static entry with its own idle timeout")
    public String add(@Descriptor("virtual side") String virtualSide, @Descriptor("real side") String realSide,
            @Descriptor("idle timeout in seconds (0: the table's)") long idleSeconds) {
        try {
            EntrySpec spec = new EntrySpec(EntryKind.STATIC, Endpoint.parse(virtualSide), Endpoint.parse(realSide),
                    EntryOwner.NONE, idleSeconds > 0 ? Duration.ofSeconds(idleSeconds) : null);
            return "added " + line(table.insert(spec));
        } catch (IllegalArgumentException | TranslationTableException e) {
            return "refused: " + e.getMessage();
        }
    }

    static String format(List<TranslationEntry> entries) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format("%-8s %-16s %-42s %-42s %s%n", "ID", "KIND", "VIRTUAL", "REAL", "OWNER"));
        for (TranslationEntry e : entries) {
            sb.append(line(e)).append('\n');
        }
        sb.append(entries.size()).append(entries.size() == 1 ? " entry" : " entries");
        return sb.toString();
    }

    static String line(TranslationEntry e) {
        return String.format("%-8d %-16s %-42s %-42s %s", e.id(), e.kind(), e.virtualSide(), e.realSide(), e.owner());
    }

    static String detail(TranslationEntry e) {
        return line(e) + String.format("%n  created %s, last used %s (%d s ago), idle timeout %d s%n"
                + "  to real: %d packets, %d bytes; to virtual: %d packets, %d bytes%n", e.createdAt(), e.lastUsedAt(),
                Duration.between(e.lastUsedAt(), Instant.now()).toSeconds(), e.idleTimeout().toSeconds(),
                e.packetsToReal(), e.bytesToReal(), e.packetsToVirtual(), e.bytesToVirtual());
    }
}
