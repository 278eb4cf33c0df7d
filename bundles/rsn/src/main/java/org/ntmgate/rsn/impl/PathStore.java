package org.ntmgate.rsn.impl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.function.ToLongFunction;

import org.ntmgate.api.policy.RelayLimits;
import org.ntmgate.storage.AtomicFile;

/**
 * The RS-N's own state in its bundle data area (protocol.md 15.6): per path its key, addresses, the node's endpoint,
 * the end of the reserved send-counter block and the receive high-water mark. Replaced atomically, readable by its
 * owner only (it holds path keys). The translation entries are not here: they live in the shared table.
 */
final class PathStore {
    /** How far ahead the send counter is reserved (15.6). */
    static final long BLOCK = 1L << 20;
    private static final String HEADER = "# ntmgate RS-N paths v1";
    private final Path file;

    PathStore(Path file) {
        this.file = file;
    }

    Path file() {
        return file;
    }

    record Stored(RelayPath path, long sendLimit, long received, InetSocketAddress endpoint) {
    }

    /** Replaces the file with {@code paths}, storing {@code sendLimit} of each as its reserved counter block's end. */
    synchronized void save(Collection<RelayPath> paths, ToLongFunction<RelayPath> sendLimit) throws IOException {
        StringBuilder b = new StringBuilder(HEADER).append('\n');
        HexFormat hex = HexFormat.of();
        for (RelayPath p : paths) {
            InetSocketAddress ep = p.endpoint;
            b.append(String.format("%016x %016x %d %s %d %s %s %s %s %s %d %d %d %s %d %d%n", p.pathId, p.nodeId, p.keyId, hex.formatHex(p.key),
                    p.lifetimeSeconds, RelayPath.text(p.nodeVirtual), RelayPath.text(p.generalVirtual), RelayPath.text(p.egress),
                    RelayPath.text(p.real), p.fqdn == null ? "-" : p.fqdn, p.limits.maxSessions(), p.limits.maxBytesPerSecond(),
                    p.limits.maxPacketsPerSecond(), ep == null ? "-" : "[" + ep.getAddress().getHostAddress() + "]:" + ep.getPort(), sendLimit.applyAsLong(p),
                    p.cipher.received()));
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.US_ASCII);
        AtomicFile.write(file, out -> out.write(bytes), PosixFilePermissions.fromString("rw-------"));
    }

    /** The stored paths; a line that does not parse is an error naming the line (the caller sets the file aside). */
    synchronized List<Stored> load(long nowMillis) throws IOException {
        List<Stored> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw new IOException(file + " is not an RS-N path file");
        }
        HexFormat hex = HexFormat.of();
        for (int i = 1; i < lines.size(); i++) {
            String[] w = lines.get(i).trim().split(" ");
            if (w.length == 1 && w[0].isEmpty()) {
                continue;
            }
            try {
                if (w.length != 16) {
                    throw new IllegalArgumentException(w.length + " fields, not 16");
                }
                RelayPath p = new RelayPath(Long.parseUnsignedLong(w[0], 16), Long.parseUnsignedLong(w[1], 16), Integer.parseInt(w[2]),
                        hex.parseHex(w[3]), Long.parseLong(w[4]), address(w[5]), address(w[6]), address(w[7]), address(w[8]),
                        w[9].equals("-") ? null : w[9], new RelayLimits(Integer.parseInt(w[10]), Long.parseLong(w[11]), Long.parseLong(w[12])),
                        nowMillis);
                InetSocketAddress ep = null;
                if (!w[13].equals("-")) {
                    int close = w[13].lastIndexOf("]:");
                    ep = new InetSocketAddress(InetAddress.getByName(w[13].substring(1, close)), Integer.parseInt(w[13].substring(close + 2)));
                }
                out.add(new Stored(p, Long.parseLong(w[14]), Long.parseLong(w[15]), ep));
            } catch (RuntimeException | IOException e) {
                throw new IOException(file + " line " + (i + 1) + " does not parse: " + e.getMessage(), e);
            }
        }
        return out;
    }

    private static byte[] address(String text) throws IOException {
        byte[] a = InetAddress.getByName(text).getAddress();
        if (a.length != 16) {
            throw new IOException(text + " is not an IPv6 address");
        }
        return a;
    }
}
