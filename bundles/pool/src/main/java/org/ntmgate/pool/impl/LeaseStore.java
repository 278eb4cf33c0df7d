package org.ntmgate.pool.impl;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.ntmgate.api.pool.Lease;
import org.ntmgate.storage.AtomicFile;
import org.ntmgate.storage.Journal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases in the bundle's data area as a {@link Journal}: a record per change, {@code P address pool owner
 * granted-millis expires-millis} (a lease given or renewed; owner URL-encoded) or {@code R address} (returned),
 * compacted to the live leases when the log has grown well past them. A lease given or returned is answered after
 * its record reached the operating system (it survives a crash of the process); a renewal, which only moves an
 * expiry (a DC renews on every Direction Request), waits for the next {@link #sync}, which writes the latest
 * renewal of each address and forces everything to disk, every second. A torn last record (a crash mid-write) is dropped; a record that does not parse makes the
 * file {@link CorruptLeasesException corrupt}: never half-loaded.
 */
final class LeaseStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaseStore.class);
    private final Path file;
    private Journal journal;
    /** Renewals not written yet: the latest per address. */
    private final Map<InetAddress, Lease> renewals = new LinkedHashMap<>();

    LeaseStore(Path file) {
        this.file = file;
    }

    /**
     * The book's sink into this journal. A lease given or returned whose record cannot be written fails the change
     * (logged, then an {@link UncheckedIOException} to the caller): no allocation is answered that a restart would lose.
     */
    PoolBook.LeaseSink sink() {
        return new PoolBook.LeaseSink() {
            @Override
            public void put(Lease l, Collection<Lease> live) {
                durably(() -> LeaseStore.this.put(l, live));
            }

            @Override
            public void renewed(Lease l, Collection<Lease> live) {
                LeaseStore.this.renewed(l);
            }

            @Override
            public void removed(Lease l, Collection<Lease> live) {
                durably(() -> LeaseStore.this.removed(l, live));
            }
        };
    }

    private interface Write {
        void run() throws IOException;
    }

    private void durably(Write w) {
        try {
            w.run();
        } catch (IOException e) {
            LOG.error("Could not write lease file {}: {}", file, e.toString());
            throw new UncheckedIOException("lease file not written; the allocation is not durable", e);
        }
    }

    Path file() {
        return file;
    }

    static final class CorruptLeasesException extends Exception {
        private static final long serialVersionUID = 1L;

        CorruptLeasesException(String message) {
            super(message);
        }
    }

    /** Opens the journal and returns the leases it holds; call once, before any change. */
    List<Lease> open() throws IOException, CorruptLeasesException {
        Map<InetAddress, Lease> leases = new LinkedHashMap<>();
        String[] problem = { null };
        long[] n = { 0 };
        try {
            journal = Journal.open(file, null, record -> {
                n[0]++;
                if (problem[0] != null) {
                    return;
                }
                try {
                    apply(new String(record, StandardCharsets.UTF_8), leases);
                } catch (IllegalArgumentException | IOException e) {
                    problem[0] = "record " + n[0] + ": " + e.getMessage();
                }
            });
        } catch (IOException e) {
            throw new CorruptLeasesException(e.getMessage());
        }
        if (problem[0] != null) {
            journal.close();
            journal = null;
            throw new CorruptLeasesException(problem[0]);
        }
        return new ArrayList<>(leases.values());
    }

    /** What opening found beyond the leases: a torn tail, or null. */
    String damage() {
        Journal.Replay r = journal == null ? null : journal.replayed();
        return r == null || !r.damaged() ? null : r.problem() + " (" + r.discardedBytes() + " bytes dropped)";
    }

    private static void apply(String line, Map<InetAddress, Lease> leases) throws IOException {
        String[] f = line.split(" ");
        if (f.length == 6 && f[0].equals("P") && f[1].matches("[0-9a-fA-F:.]+")) {
            InetAddress a = InetAddress.getByName(f[1]);
            leases.put(a, new Lease(a, f[2], URLDecoder.decode(f[3], StandardCharsets.UTF_8), Instant.ofEpochMilli(Long.parseLong(f[4])),
                    Instant.ofEpochMilli(Long.parseLong(f[5]))));
        } else if (f.length == 2 && f[0].equals("R") && f[1].matches("[0-9a-fA-F:.]+")) {
            leases.remove(InetAddress.getByName(f[1]));
        } else {
            throw new IllegalArgumentException("not a lease record: '" + (line.length() > 80 ? line.substring(0, 80) + "..." : line) + "'");
        }
    }

    private static byte[] put(Lease l) {
        return ("P " + l.address().getHostAddress() + " " + l.pool() + " " + URLEncoder.encode(l.owner(), StandardCharsets.UTF_8) + " "
                + l.granted().toEpochMilli() + " " + l.expires().toEpochMilli()).getBytes(StandardCharsets.UTF_8);
    }

    /** A lease given; {@code live} is every lease now, for compaction. */
    void put(Lease l, Collection<Lease> live) throws IOException {
        renewals.remove(l.address());
        journal.append(put(l));
        compactIfDue(live);
    }

    /** A lease renewed: written with the next {@link #sync}. */
    void renewed(Lease l) {
        renewals.put(l.address(), l);
    }

    /** A lease returned or expired. */
    void removed(Lease l, Collection<Lease> live) throws IOException {
        renewals.remove(l.address());
        journal.append(("R " + l.address().getHostAddress()).getBytes(StandardCharsets.UTF_8));
        compactIfDue(live);
    }

    private void compactIfDue(Collection<Lease> live) throws IOException {
        if (journal.shouldCompact(live.size())) {
            List<byte[]> records = new ArrayList<>(live.size());
            live.forEach(l -> records.add(put(l)));
            journal.compact(records);
        }
    }

    long records() {
        return journal.records();
    }

    /** Writes the pending renewals and forces the journal to disk (the group commit, every second). */
    void sync() throws IOException {
        if (journal != null) {
            for (Lease l : renewals.values()) {
                journal.append(put(l));
            }
            renewals.clear();
            journal.sync();
        }
    }

    int pendingRenewals() {
        return renewals.size();
    }

    Path setAside(long nowMillis) throws IOException {
        return AtomicFile.setAside(file, nowMillis);
    }

    @Override
    public void close() throws IOException {
        if (journal != null) {
            sync();
            journal.close();
        }
    }
}
