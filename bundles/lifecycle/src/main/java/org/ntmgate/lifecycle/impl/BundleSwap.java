package org.ntmgate.lifecycle.impl;

import org.ntmgate.api.health.GatewayHealth;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;

import org.ntmgate.storage.AtomicFile;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.wiring.FrameworkWiring;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Module hot-swap for field techs (docs/image.md section 6): replaces the running build of one bundle with a new
 * one, keeping the running build to put back with one command. One mechanism behind three doors: Gogo
 * ({@code ntmgate:swap <jar>}, {@code ntmgate:revert <bsn>}, {@code ntmgate:swaps}), the deploy folder (a jar whose
 * symbolic name is a bundle the runtime installed is swapped in, not installed beside it; removing that jar puts the
 * previous build back; {@link DeployFolderSwap}), and the Web Console's Bundles page (an uploaded build of an
 * installed bundle is swapped in; {@link ConsoleUploadSwap}). After a swap the bundle must be active and the health check must name no problem
 * of it within {@link #SETTLE}; otherwise the new build is rejected: the previous build is put back at once and the
 * failure logged (the deploy folder also moves the rejected jar aside, {@link DeployFolderSwap}).
 */
public final class BundleSwap {
    private static final Logger LOG = LoggerFactory.getLogger(BundleSwap.class);
    static final long SETTLE = 20;
    /** Where the running build waits while a new one is tried. */
    private static final String RUNNING = "running";

    private final BundleContext context;
    private final Path kept;
    private final GatewayHealth health;

    BundleSwap(BundleContext context, Path kept, GatewayHealth health) {
        this.context = context;
        this.kept = kept;
        this.health = health;
    }

    Optional<Bundle> installed(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return Optional.of(b);
            }
        }
        return Optional.empty();
    }

    static String symbolicName(Path jar) throws IOException {
        try (JarFile j = new JarFile(jar.toFile())) {
            Manifest m = j.getManifest();
            String bsn = m == null ? null : m.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
            return bsn == null ? null : bsn.split(";")[0].trim();
        }
    }

    /**
     * What a swap did: the new build runs, it was refused before anything changed, or it failed (did not resolve,
     * start, or serve within {@link #SETTLE}) and the previous build was put back.
     */
    enum Result {
        SWAPPED, REFUSED, FAILED
    }

    /** A swap's result and the sentence that says what happened (the log line, the command's answer). */
    record Outcome(Result result, String message) {
        @Override
        public String toString() {
            return message;
        }
    }

    /** Swaps the build in {@code jar} in for the running bundle of the same symbolic name; returns what happened. */
    synchronized Outcome swap(Path jar) throws IOException {
        String bsn;
        try {
            bsn = symbolicName(jar);
        } catch (IOException e) {
            return new Outcome(Result.REFUSED, "refused: " + jar.getFileName() + " is not a jar (" + e.getMessage() + ")");
        }
        if (bsn == null) {
            return new Outcome(Result.REFUSED, "refused: " + jar.getFileName() + " is not a bundle (no Bundle-SymbolicName)");
        }
        Optional<Bundle> b = installed(bsn);
        if (b.isEmpty()) {
            return new Outcome(Result.REFUSED, "refused: no bundle " + bsn
                    + " is installed; install new bundles through the deploy folder or 'install'");
        }
        Path previous = kept.resolve(bsn + ".jar");
        // The running build, kept aside until the new one has shown it serves: it becomes the build to revert to,
        // or, if the new one fails, goes back in at once (the build kept from an earlier swap stays as it was).
        Path running = Files.createDirectories(kept.resolve(RUNNING)).resolve(bsn + ".jar");
        String old = b.get().getVersion().toString();
        writeJar(b.get(), running);
        String result = replace(b.get(), jar);
        if (result == null) {
            Files.move(running, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            String msg = "swapped " + bsn + " " + old + " -> " + b.get().getVersion() + "; the previous build is kept: ntmgate:revert " + bsn;
            LOG.info(msg);
            return new Outcome(Result.SWAPPED, msg);
        }
        String failed = b.get().getVersion().toString();
        String back = replace(b.get(), running);
        String msg;
        if (back == null) {
            Files.delete(running);
            msg = bsn + " " + failed + " rejected: " + result + "; the previous build " + old + " was put back and serves";
        } else {
            Files.move(running, previous, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            msg = bsn + " " + failed + " rejected: " + result + "; putting the previous build " + old + " back failed as well: " + back
                    + " (try again with: ntmgate:revert " + bsn + ")";
        }
        LOG.error(msg);
        return new Outcome(Result.FAILED, msg);
    }

    /** Puts the kept previous build of {@code bsn} back. */
    synchronized String revert(String bsn) throws IOException {
        Path previous = kept.resolve(bsn + ".jar");
        Optional<Bundle> b = installed(bsn);
        if (!Files.exists(previous) || b.isEmpty()) {
            return "refused: no previous build of " + bsn + " is kept";
        }
        String bad = b.get().getVersion().toString();
        String result = replace(b.get(), previous);
        String msg = result == null ? "reverted " + bsn + " " + bad + " -> " + b.get().getVersion()
                : "reverting " + bsn + " failed as well: " + result;
        if (result == null) {
            Files.delete(previous);
            LOG.info(msg);
        } else {
            LOG.error(msg);
        }
        return msg;
    }

    String list() throws IOException {
        if (!Files.isDirectory(kept)) {
            return "no previous builds kept";
        }
        try (var s = Files.list(kept)) {
            List<String> names = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString().replaceFirst("\\.jar$", "")).sorted().collect(Collectors.toList());
            return names.isEmpty() ? "no previous builds kept" : names.stream().map(n -> n + ": previous build kept (ntmgate:revert " + n + ")")
                    .collect(Collectors.joining("\n"));
        }
    }

    /** Updates the bundle from the jar, rewires its dependents, waits for it to settle; null when it is healthy. */
    private String replace(Bundle b, Path jar) throws IOException {
        try (InputStream in = Files.newInputStream(jar)) {
            b.update(in);
        } catch (BundleException e) {
            return "the update failed: " + e.getMessage();
        }
        CountDownLatch refreshed = new CountDownLatch(1);
        context.getBundle(Constants.SYSTEM_BUNDLE_ID).adapt(FrameworkWiring.class).refreshBundles(List.of(b), e -> refreshed.countDown());
        try {
            refreshed.await(SETTLE, TimeUnit.SECONDS);
            if (b.getState() != Bundle.ACTIVE) {
                try {
                    b.start();
                } catch (BundleException e) {
                    return "it does not start: " + e.getMessage();
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(SETTLE);
            List<String> problems = problems(b);
            while (!problems.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(100);
                problems = problems(b);
            }
            return problems.isEmpty() ? null : String.join("; ", problems);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted while it started";
        }
    }

    private List<String> problems(Bundle b) {
        if (b.getState() != Bundle.ACTIVE) {
            return List.of("it is not active");
        }
        return health.problems().stream().filter(p -> p.contains(b.getSymbolicName()) || p.startsWith("role ")).collect(Collectors.toList());
    }

    /** The running revision as a jar: its manifest first, then every entry. */
    private static void writeJar(Bundle b, Path target) throws IOException {
        AtomicFile.write(target, out -> {
            URL mf = b.getEntry(JarFile.MANIFEST_NAME);
            Manifest manifest;
            try (InputStream in = mf.openStream()) {
                manifest = new Manifest(in);
            }
            JarOutputStream jar = new JarOutputStream(new NonClosing(out), manifest);
            Enumeration<URL> entries = b.findEntries("/", "*", true);
            for (URL u : entries == null ? Collections.<URL>emptyList() : Collections.list(entries)) {
                String name = u.getPath().startsWith("/") ? u.getPath().substring(1) : u.getPath();
                if (name.isEmpty() || name.equalsIgnoreCase(JarFile.MANIFEST_NAME) || name.equalsIgnoreCase("META-INF/")) {
                    continue;
                }
                jar.putNextEntry(new ZipEntry(name));
                if (!name.endsWith("/")) {
                    try (InputStream in = u.openStream()) {
                        in.transferTo(jar);
                    }
                }
                jar.closeEntry();
            }
            jar.finish();
        });
    }

    /** AtomicFile closes its own stream. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
