package org.ntmgate.image;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An image's MANIFEST (docs/image.md): format line, version, architecture, build time, then one line per file:
 * {@code file <sha-256 hex> <mode octal> <size> <path>}. The image's signature covers these bytes exactly.
 */
public record Manifest(String version, String arch, String built, List<Entry> files) {
    static final String FORMAT = "ntmgate-image 1";

    /** A file of the image: a relative path without "." or ".." parts. */
    public record Entry(String path, String sha256, int mode, long size) {
    }

    public byte[] encode() {
        StringBuilder sb = new StringBuilder(FORMAT).append('\n').append("version ").append(version).append('\n').append("arch ").append(arch)
                .append('\n').append("built ").append(built).append('\n');
        for (Entry e : files) {
            sb.append("file ").append(e.sha256()).append(' ').append(Integer.toOctalString(e.mode())).append(' ').append(e.size()).append(' ')
                    .append(e.path()).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    public static Manifest parse(byte[] bytes) throws ImageRefused {
        String[] lines = new String(bytes, StandardCharsets.UTF_8).split("\n");
        if (lines.length < 4 || !lines[0].equals(FORMAT)) {
            throw new ImageRefused("the image's MANIFEST is not '" + FORMAT + "'");
        }
        String version = field(lines[1], "version");
        String arch = field(lines[2], "arch");
        String built = field(lines[3], "built");
        List<Entry> files = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 4; i < lines.length; i++) {
            String[] f = lines[i].split(" ", 5);
            try {
                if (f.length != 5 || !f[0].equals("file") || !f[1].matches("[0-9a-f]{64}")) {
                    throw new IllegalArgumentException("not a file line");
                }
                String path = f[4];
                if (!safe(path) || !seen.add(path)) {
                    throw new IllegalArgumentException("unsafe or repeated path '" + path + "'");
                }
                files.add(new Entry(path, f[1], Integer.parseInt(f[2], 8), Long.parseLong(f[3])));
            } catch (IllegalArgumentException e) {
                throw new ImageRefused("MANIFEST line " + (i + 1) + ": " + e.getMessage());
            }
        }
        return new Manifest(version, arch, built, List.copyOf(files));
    }

    private static String field(String line, String name) throws ImageRefused {
        if (!line.startsWith(name + " ") || line.length() == name.length() + 1) {
            throw new ImageRefused("the image's MANIFEST has no " + name);
        }
        return line.substring(name.length() + 1);
    }

    /** A relative path inside the slot: no leading '/', no empty, '.' or '..' part. */
    static boolean safe(String path) {
        if (path.isEmpty() || path.startsWith("/") || path.contains("\\") || path.contains("\0")) {
            return false;
        }
        for (String part : path.split("/", -1)) {
            if (part.isEmpty() || part.equals(".") || part.equals("..")) {
                return false;
            }
        }
        return true;
    }
}
