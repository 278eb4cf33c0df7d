package org.ntmgate.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.function.BiFunction;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images built from a small stand-in payload (a fake runtime and jars: the real one is in BoxIT) and every reason
 * the box refuses one, each with its message; nothing is left behind by a refused image.
 */
class ImageFileTest {
    @TempDir
    Path dir;
    private final KeyPair key = Signing.generate();
    private Path runtime;
    private Path jar;

    @BeforeEach
    void payload() throws IOException {
        runtime = dir.resolve("jre");
        Files.createDirectories(runtime.resolve("bin"));
        Files.createDirectories(runtime.resolve("lib"));
        Files.writeString(runtime.resolve("bin/java"), "#!/bin/sh\necho fake java\n");
        Files.setPosixFilePermissions(runtime.resolve("bin/java"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.write(runtime.resolve("lib/modules"), new byte[4096]);
        jar = dir.resolve("some.jar");
        Files.writeString(jar, "not really a jar, which the image does not care about");
    }

    private Path build(String version, String arch, KeyPair signer, String name) throws IOException {
        Path out = dir.resolve(name);
        Files.createDirectories(out);
        return ImageBuilder.build(new ImageBuilder.Options(version, arch, jar, jar, jar, runtime, signer.getPrivate(), key.getPublic(), out));
    }

    private Manifest unpack(Path image, Version running, boolean force) throws Exception {
        return ImageFile.unpack(image, key.getPublic(), Box.ARCH, running, force, dir.resolve("slot-" + System.nanoTime()));
    }

    private String refusal(Path image, Version running) {
        Path into = dir.resolve("refused-" + System.nanoTime());
        ImageRefused e = assertThrows(ImageRefused.class, () -> ImageFile.unpack(image, key.getPublic(), Box.ARCH, running, false, into));
        return e.getMessage();
    }

    @Test
    void aGoodImageUnpacksWithEveryFileCheckedAndItsModes() throws Exception {
        Path image = build("1.2.0", Box.ARCH, key, "a");
        Path slot = dir.resolve("slot");
        Manifest m = ImageFile.unpack(image, key.getPublic(), Box.ARCH, Version.parse("1.1.9"), false, slot);
        assertEquals("1.2.0", m.version());
        assertTrue(Files.isExecutable(slot.resolve("runtime/bin/java")));
        assertTrue(Files.isExecutable(slot.resolve("bin/ntmgate-boot")));
        assertFalse(Files.isExecutable(slot.resolve("etc/systemd/ntmgate.service")));
        assertEquals(key.getPublic(), Signing.readPublic(slot.resolve("keys/trusted.pub")), "the image carries the key the box trusts next");
        assertEquals(m, ImageFile.check(slot, key.getPublic()), "an unpacked slot checks against its own signed MANIFEST");
        Files.writeString(slot.resolve("lib/ntmgate.jar"), "changed");
        assertTrue(assertThrows(ImageRefused.class, () -> ImageFile.check(slot, key.getPublic())).getMessage().contains("lib/ntmgate.jar"));
    }

    @Test
    void unsignedOtherKeyTruncatedOtherArchAndOlderImagesAreRefusedEachWithItsReason() throws Exception {
        Path good = build("2.0.0", Box.ARCH, key, "good");
        assertTrue(refusal(rewrite(good, "unsigned", (name, bytes) -> name.equals("MANIFEST.sig") ? null : bytes), null).contains("unsigned"));
        assertTrue(refusal(build("2.0.0", Box.ARCH, Signing.generate(), "other-key"), null).contains("not signed by the key this box trusts"));
        byte[] whole = Files.readAllBytes(good);
        for (int cut : new int[] { 0, 10, whole.length / 2, whole.length - 22, whole.length - 1 }) {
            Path t = dir.resolve("truncated-" + cut + ".img");
            Files.write(t, Arrays.copyOf(whole, cut));
            String why = refusal(t, null);
            assertTrue(why.contains("not readable") || why.contains("damaged"), cut + ": " + why);
        }
        assertEquals("the image is for linux-aarch64, this box is " + Box.ARCH, refusal(build("2.0.0", "linux-aarch64", key, "arm"), null));
        String older = refusal(good, Version.parse("2.0.1"));
        assertTrue(older.contains("is not newer than the running 2.0.1") && older.contains("--force"), older);
        assertTrue(refusal(good, Version.parse("2.0.0")).contains("not newer"), "the same version is not an upgrade");
        assertEquals("2.0.0", unpack(good, Version.parse("2.0.1"), true).version(), "forced, an older image is taken");
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith("refused-") && Files.exists(p.resolve("lib"))),
                    "a refused image leaves no unpacked files that could be booted");
        }
    }

    @Test
    void alteredContentExtraFilesAndUnsafePathsAreRefused() throws Exception {
        Path good = build("3.0.0", Box.ARCH, key, "good");
        Path altered = rewrite(good, "altered", (name, bytes) -> name.equals("payload/lib/ntmgate.jar") ? "evil".getBytes(StandardCharsets.UTF_8) : bytes);
        assertTrue(refusal(altered, null).contains("'lib/ntmgate.jar' does not match its SHA-256"), refusal(altered, null));
        Path extra = rewrite(good, "extra", (name, bytes) -> bytes);
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(dir.resolve("x.img")));
                ZipFile src = new ZipFile(extra.toFile())) {
            copy(src, z, (n, b) -> b);
            z.putNextEntry(new ZipEntry("payload/bin/backdoor"));
            z.write(1);
            z.closeEntry();
        }
        assertTrue(refusal(dir.resolve("x.img"), null).contains("which its MANIFEST does not list"));
        Path missing = rewrite(good, "missing", (name, bytes) -> name.equals("payload/bin/ntmgate") ? null : bytes);
        assertTrue(refusal(missing, null).contains("lacks 1 file"), refusal(missing, null));
        assertFalse(Manifest.safe("../etc/passwd"));
        assertFalse(Manifest.safe("/etc/passwd"));
        assertFalse(Manifest.safe("bin/./x"));
        assertTrue(Manifest.safe("runtime/lib/modules"));
        byte[] unsafe = ("ntmgate-image 1\nversion 1.0.0\narch " + Box.ARCH + "\nbuilt x\nfile " + "0".repeat(64) + " 644 1 ../../etc/passwd\n")
                .getBytes(StandardCharsets.UTF_8);
        assertTrue(assertThrows(ImageRefused.class, () -> Manifest.parse(unsafe)).getMessage().contains("unsafe"));
    }

    @Test
    void versionsOrderWithQualifiersBeforeReleases() throws Exception {
        assertTrue(Version.parse("1.2.0-SNAPSHOT").compareTo(Version.parse("1.2.0")) < 0);
        assertTrue(Version.parse("1.10.0").compareTo(Version.parse("1.9.9")) > 0);
        assertEquals(0, Version.parse("0.1.0").compareTo(Version.parse("0.1.0")));
        assertThrows(ImageRefused.class, () -> Version.parse("1.2"));
    }

    /** A copy of an image with some entries changed (null: removed). */
    private Path rewrite(Path image, String name, BiFunction<String, byte[], byte[]> change) throws IOException {
        Path out = dir.resolve(name + ".img");
        try (ZipFile src = new ZipFile(image.toFile()); ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(out))) {
            copy(src, z, change);
        }
        return out;
    }

    private static void copy(ZipFile src, ZipOutputStream z, BiFunction<String, byte[], byte[]> change) throws IOException {
        Enumeration<? extends ZipEntry> e = src.entries();
        while (e.hasMoreElements()) {
            ZipEntry entry = e.nextElement();
            byte[] bytes;
            try (InputStream in = src.getInputStream(entry)) {
                bytes = change.apply(entry.getName(), in.readAllBytes());
            }
            if (bytes != null) {
                z.putNextEntry(new ZipEntry(entry.getName()));
                z.write(bytes);
                z.closeEntry();
            }
        }
    }
}
