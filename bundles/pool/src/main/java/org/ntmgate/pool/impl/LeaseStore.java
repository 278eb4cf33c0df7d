package org.ntmgate.pool.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.ntmgate.api.pool.Lease;
import org.ntmgate.storage.AtomicFile;

/**
 * The lease file in the bundle's data area: a header line {@code ntmgate-leases 1}, then one lease per line
 * ({@code address pool owner granted-millis expires-millis}, owner URL-encoded), then {@code end N}. Written whole
 * and atomically ({@link AtomicFile}) after every change, so an answered
 * allocation is on disk. A file that fails any check is never half-loaded: {@link CorruptLeasesException}.
 */
final class LeaseStore {
    private static final String HEADER = "ntmgate-leases 1";
    private final Path file;

    LeaseStore(Path file) {
        this.file = file;
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

    void write(List<Lease> leases) throws IOException {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (Lease l : leases) {
            sb.append(l.address().getHostAddress()).append(' ').append(l.pool()).append(' ')
                    .append(URLEncoder.encode(l.owner(), StandardCharsets.UTF_8)).append(' ').append(l.granted().toEpochMilli())
                    .append(' ').append(l.expires().toEpochMilli()).append('\n');
        }
        sb.append("end ").append(leases.size()).append('\n');
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes));
    }

    List<Lease> read() throws IOException, CorruptLeasesException {
        if (!Files.exists(file)) {
            return List.of();
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new CorruptLeasesException("no '" + HEADER + "' header");
        }
        String last = lines.get(lines.size() - 1);
        if (!last.equals("end " + (lines.size() - 2))) {
            throw new CorruptLeasesException("the end line does not count the leases (truncated?)");
        }
        List<Lease> leases = new ArrayList<>();
        for (int i = 1; i < lines.size() - 1; i++) {
            String[] f = lines.get(i).split(" ");
            try {
                if (f.length != 5 || !f[0].matches("[0-9a-fA-F:.]+")) {
                    throw new IllegalArgumentException("5 fields with a numeric address");
                }
                leases.add(new Lease(InetAddress.getByName(f[0]), f[1], URLDecoder.decode(f[2], StandardCharsets.UTF_8),
                        Instant.ofEpochMilli(Long.parseLong(f[3])), Instant.ofEpochMilli(Long.parseLong(f[4]))));
            } catch (IllegalArgumentException | IOException e) {
                throw new CorruptLeasesException("line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return leases;
    }

    Path setAside(long nowMillis) throws IOException {
        return AtomicFile.setAside(file, nowMillis);
    }
}
