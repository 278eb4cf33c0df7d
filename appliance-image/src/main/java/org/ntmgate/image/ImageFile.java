package org.ntmgate.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Checks an image before anything on the box changes (docs/image.md): readable and whole, signed by the key the box
 * trusts, for this architecture, newer than the running version (unless forced), and every file exactly as its
 * MANIFEST line says while it is unpacked into a staging folder. Any failure is an {@link ImageRefused} that says
 * which of these it was.
 */
public final class ImageFile {
    private ImageFile() {
    }

    /**
     * Verifies {@code image} and unpacks it into {@code into} (which must not exist), returning its manifest.
     *
     * @param running the version the box runs, or null (first flash)
     */
    public static Manifest unpack(Path image, PublicKey trusted, String arch, Version running, boolean force, Path into)
            throws ImageRefused, IOException {
        try (ZipFile zip = open(image)) {
            byte[] manifestBytes = read(zip, "MANIFEST", "it has no MANIFEST: not an ntmgate image");
            ZipEntry sigEntry = zip.getEntry("MANIFEST.sig");
            if (sigEntry == null) {
                throw new ImageRefused("the image is unsigned (no MANIFEST.sig)");
            }
            byte[] signature;
            try {
                signature = Base64.getDecoder().decode(read(zip, "MANIFEST.sig", "unsigned"));
            } catch (IllegalArgumentException e) {
                throw new ImageRefused("the image's signature is not base64");
            }
            if (!Signing.verify(trusted, manifestBytes, signature)) {
                throw new ImageRefused("the image is not signed by the key this box trusts (signed by another key, or altered)");
            }
            Manifest m = Manifest.parse(manifestBytes);
            if (!m.arch().equals(arch)) {
                throw new ImageRefused("the image is for " + m.arch() + ", this box is " + arch);
            }
            Version v = Version.parse(m.version());
            if (running != null && v.compareTo(running) <= 0 && !force) {
                throw new ImageRefused("the image's version " + v + " is not newer than the running " + running + " (use --force to install it anyway)");
            }
            Map<String, Manifest.Entry> expected = new HashMap<>();
            m.files().forEach(e -> expected.put(e.path(), e));
            Files.createDirectories(into.getParent());
            Files.createDirectory(into);
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry z = entries.nextElement();
                String name = z.getName();
                if (name.equals("MANIFEST") || name.equals("MANIFEST.sig")) {
                    continue;
                }
                String path = name.startsWith("payload/") ? name.substring("payload/".length()) : null;
                Manifest.Entry e = path == null ? null : expected.remove(path);
                if (e == null) {
                    throw new ImageRefused("the image holds '" + name + "', which its MANIFEST does not list");
                }
                Path target = into.resolve(e.path());
                Files.createDirectories(target.getParent());
                MessageDigest sha = sha256();
                long size;
                try (InputStream in = zip.getInputStream(z); OutputStream out = new DigestOutputStream(Files.newOutputStream(target), sha)) {
                    size = in.transferTo(out);
                } catch (ZipException ze) {
                    throw new ImageRefused("the image is damaged at '" + e.path() + "': " + ze.getMessage());
                }
                if (size != e.size() || !HexFormat.of().formatHex(sha.digest()).equals(e.sha256())) {
                    throw new ImageRefused("'" + e.path() + "' does not match its SHA-256 in the MANIFEST");
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString((e.mode() & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--"));
            }
            if (!expected.isEmpty()) {
                throw new ImageRefused("the image lacks " + expected.size() + " file(s) of its MANIFEST, e.g. '" + expected.keySet().iterator().next() + "'");
            }
            Files.write(into.resolve("MANIFEST"), manifestBytes);
            Files.write(into.resolve("MANIFEST.sig"), Base64.getEncoder().encode(signature));
            return m;
        }
    }

    /** Re-checks an unpacked slot against its own signed MANIFEST (before booting into it by hand). */
    public static Manifest check(Path slot, PublicKey trusted) throws ImageRefused, IOException {
        if (!Files.exists(slot.resolve("MANIFEST")) || !Files.exists(slot.resolve("MANIFEST.sig"))) {
            throw new ImageRefused(slot + " holds no image");
        }
        byte[] manifest = Files.readAllBytes(slot.resolve("MANIFEST"));
        byte[] sig;
        try {
            sig = Base64.getDecoder().decode(Files.readAllBytes(slot.resolve("MANIFEST.sig")));
        } catch (IllegalArgumentException e) {
            throw new ImageRefused(slot + ": the signature is not base64");
        }
        if (!Signing.verify(trusted, manifest, sig)) {
            throw new ImageRefused(slot + ": not signed by the key this box trusts");
        }
        Manifest m = Manifest.parse(manifest);
        for (Manifest.Entry e : m.files()) {
            Path f = slot.resolve(e.path());
            if (!Files.isRegularFile(f) || Files.size(f) != e.size() || !ImageBuilder.sha256(Files.readAllBytes(f)).equals(e.sha256())) {
                throw new ImageRefused(slot + ": '" + e.path() + "' is missing or changed");
            }
        }
        return m;
    }

    private static ZipFile open(Path image) throws ImageRefused, IOException {
        if (!Files.isRegularFile(image)) {
            throw new ImageRefused(image + " is not a file");
        }
        try {
            return new ZipFile(image.toFile());
        } catch (ZipException e) {
            throw new ImageRefused("the image is not readable (truncated, or not an image): " + e.getMessage());
        }
    }

    private static byte[] read(ZipFile zip, String name, String missing) throws ImageRefused, IOException {
        ZipEntry e = zip.getEntry(name);
        if (e == null) {
            throw new ImageRefused("the image is refused: " + missing);
        }
        try (InputStream in = zip.getInputStream(e)) {
            return in.readNBytes(1 << 24);
        } catch (ZipException ze) {
            throw new ImageRefused("the image is damaged: " + ze.getMessage());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
