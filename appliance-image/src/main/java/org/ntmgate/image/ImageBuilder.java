package org.ntmgate.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.KeyPair;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Builds a signed image (docs/image.md): a trimmed Java runtime made with jlink, the exported gateway jar, this tool,
 * the start, boot and upgrade scripts, the init files (systemd and shell), the public key later images must be signed
 * with, and a MANIFEST with the SHA-256 of every file, signed with Ed25519.
 *
 * <pre>ImageBuilder --version V --runtime-jar ntmgate.jar --tools-jar tools.jar --storage-jar storage.jar --out DIR
 *              [--arch linux-x86_64] [--java-runtime DIR (reused if present, else made with jlink)]
 *              [--key private-key-file (default: a development key made once in DIR/dev-key)]</pre>
 */
public final class ImageBuilder {
    /**
     * The modules the gateway needs (jdeps over its bundles, then checked by starting it on the trimmed runtime);
     * jdk.management for the JVM's diagnostic commands (the class-data archive), which without jdk.jfr offers none
     * but JFR's (measured on 17.0.15).
     */
    public static final String MODULES = "java.base,java.logging,java.management,java.naming,java.xml,java.instrument,java.sql,java.rmi,"
            + "jdk.unsupported,jdk.crypto.ec,jdk.management,jdk.jfr";
    public static final String DEFAULT_ARCH = "linux-x86_64";
    private static final String[] SCRIPTS = { "bin/ntmgate", "bin/ntmgate-boot", "bin/ntmgate-upgrade", "etc/init.d/ntmgate" };
    private static final String[] TEXTS = { "etc/systemd/ntmgate.service" };

    /** What goes into one image. */
    public record Options(String version, String arch, Path runtimeJar, Path toolsJar, Path storageJar, Path javaRuntime,
            PrivateKey signingKey, PublicKey trustedKey, Path outDir) {
    }

    private ImageBuilder() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new TreeMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            a.put(args[i], args[i + 1]);
        }
        Path out = Path.of(required(a, "--out"));
        Files.createDirectories(out);
        PrivateKey priv;
        PublicKey pub;
        if (a.containsKey("--key")) {
            Path k = Path.of(a.get("--key"));
            priv = Signing.readPrivate(k);
            pub = Signing.readPublic(Path.of(a.getOrDefault("--public-key", k + ".pub")));
        } else {
            Path dev = out.resolve("dev-key");
            Files.createDirectories(dev);
            if (!Files.exists(dev.resolve("image.key"))) {
                KeyPair kp = Signing.generate();
                Signing.writePrivate(kp.getPrivate(), dev.resolve("image.key"));
                Signing.writePublic(kp.getPublic(), dev.resolve("image.key.pub"));
                System.out.println("ImageBuilder: made a DEVELOPMENT signing key in " + dev + " (pass --key for a production one)");
            }
            priv = Signing.readPrivate(dev.resolve("image.key"));
            pub = Signing.readPublic(dev.resolve("image.key.pub"));
        }
        Path runtime = Path.of(a.getOrDefault("--java-runtime", out.resolve("java-runtime").toString()));
        if (!Files.isExecutable(runtime.resolve("bin/java"))) {
            jlink(runtime);
        } else if (!hasModules(runtime)) {
            if (a.containsKey("--java-runtime")) {
                throw new IllegalArgumentException("--java-runtime " + runtime + " lacks some of the modules " + MODULES);
            }
            System.out.println("ImageBuilder: " + runtime + " lacks some of the modules " + MODULES + ": made again");
            jlink(runtime);
        }
        Path image = build(new Options(required(a, "--version"), a.getOrDefault("--arch", DEFAULT_ARCH), Path.of(required(a, "--runtime-jar")),
                Path.of(required(a, "--tools-jar")), Path.of(required(a, "--storage-jar")), runtime, priv, pub, out));
        System.out.printf("ImageBuilder: %s, %.1f MiB%n", image, Files.size(image) / 1048576.0);
    }

    private static String required(Map<String, String> a, String name) {
        String v = a.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing " + name);
        }
        return v;
    }

    /** Whether a runtime made earlier has every module of {@link #MODULES} (its {@code release} file lists them). */
    static boolean hasModules(Path runtime) throws IOException {
        Path release = runtime.resolve("release");
        if (!Files.isRegularFile(release)) {
            return false;
        }
        String line = Files.readAllLines(release).stream().filter(l -> l.startsWith("MODULES=")).findFirst().orElse("");
        List<String> have = List.of(line.replace("MODULES=", "").replace("\"", "").trim().split("\\s+"));
        return have.containsAll(List.of(MODULES.split(",")));
    }

    /** Makes the trimmed runtime with the build JDK's jlink. */
    public static void jlink(Path output) throws IOException, InterruptedException {
        Path jlink = Path.of(System.getProperty("java.home"), "bin", "jlink");
        if (Files.exists(output)) {
            try (Stream<Path> s = Files.walk(output)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        // --generate-cds-archive: the runtime's own class-data sharing archive (lib/server/classes.jsa), which the
        // image's -Xshare:auto maps at every start (docs/benchmarks.md, "Start-up"); the one for heaps over 32 GB
        // (classes_nocoops.jsa) is left out, a gateway's heap is 128 MB
        Process p = new ProcessBuilder(jlink.toString(), "--add-modules", MODULES, "--strip-debug", "--no-header-files", "--no-man-pages",
                "--compress=2", "--generate-cds-archive", "--output", output.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IOException("jlink failed with status " + p.exitValue());
        }
        Files.deleteIfExists(output.resolve("lib/server/classes_nocoops.jsa"));
    }

    /** Builds the image file; returns its path. */
    public static Path build(Options o) throws IOException {
        try {
            Version.parse(o.version()); // refuses a malformed version before anything is written
        } catch (ImageRefused e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        TreeMap<String, Object> files = new TreeMap<>(); // path -> Path or byte[]
        try (Stream<Path> s = Files.walk(o.javaRuntime())) {
            s.filter(Files::isRegularFile).forEach(f -> files.put("runtime/" + o.javaRuntime().relativize(f).toString().replace('\\', '/'), f));
        }
        files.put("lib/ntmgate.jar", o.runtimeJar());
        files.put("lib/ntmgate-image-tools.jar", o.toolsJar());
        files.put("lib/ntmgate-storage.jar", o.storageJar());
        for (String r : SCRIPTS) {
            files.put(r, resource(r));
        }
        for (String r : TEXTS) {
            files.put(r, resource(r));
        }
        Path tmpKey = Files.createTempFile("ntmgate-key", ".pub");
        try {
            Signing.writePublic(o.trustedKey(), tmpKey);
            files.put("keys/trusted.pub", Files.readAllBytes(tmpKey));
        } finally {
            Files.deleteIfExists(tmpKey);
        }
        List<Manifest.Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : files.entrySet()) {
            byte[] content = bytes(e.getValue());
            entries.add(new Manifest.Entry(e.getKey(), sha256(content), mode(e.getKey(), e.getValue()), content.length));
        }
        Manifest m = new Manifest(o.version(), o.arch(), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), entries);
        byte[] manifest = m.encode();
        byte[] signature = Base64.getEncoder().encode(Signing.sign(o.signingKey(), manifest));
        Path image = o.outDir().resolve("ntmgate-" + o.version() + "-" + o.arch() + ".img");
        Path tmp = o.outDir().resolve(image.getFileName() + ".part");
        try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(tmp))) {
            put(zip, "MANIFEST", manifest);
            put(zip, "MANIFEST.sig", signature);
            for (Map.Entry<String, Object> e : files.entrySet()) {
                put(zip, "payload/" + e.getKey(), bytes(e.getValue()));
            }
        }
        Files.move(tmp, image, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return image;
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setTime(0); // reproducible: the build time is in the MANIFEST
        zip.putNextEntry(e);
        zip.write(content);
        zip.closeEntry();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = ImageBuilder.class.getResourceAsStream("payload/" + path)) {
            if (in == null) {
                throw new IOException("the tool jar lacks payload/" + path);
            }
            return in.readAllBytes();
        }
    }

    private static byte[] bytes(Object source) {
        try {
            return source instanceof Path p ? Files.readAllBytes(p) : (byte[]) source;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int mode(String path, Object source) throws IOException {
        if (source instanceof Path p) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(p);
            return perms.contains(PosixFilePermission.OWNER_EXECUTE) ? 0755 : 0644;
        }
        return List.of(SCRIPTS).contains(path) ? 0755 : 0644;
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
