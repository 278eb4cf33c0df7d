package org.ntmgate.lifecycle.impl;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.ntmgate.storage.AtomicFile;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy folder's door to {@link BundleSwap}: FileInstall asks registered installers before it installs a jar
 * itself, so a jar whose symbolic name is a bundle the runtime installed (not one FileInstall installed from this
 * folder) is swapped in for it; removing the jar puts the previous build back. A build that is rejected (the
 * previous one is back), and a file named .jar that is not a bundle, are moved to {@code deploy/rejected/} with a
 * reason file beside them. Any other jar is left to FileInstall.
 */
final class DeployFolderSwap implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderSwap.class);
    /** The deploy folder's sub-folder for jars that will not run (FileInstall does not look into sub-folders). */
    static final String REJECTED = "rejected";
    private final BundleSwap swap;
    private final Map<File, String> swapped = new ConcurrentHashMap<>();

    private DeployFolderSwap(BundleSwap swap) {
        this.swap = swap;
    }

    static ServiceRegistration<?> register(BundleContext context, BundleSwap swap) {
        return context.registerService(ArtifactInstaller.class, new DeployFolderSwap(swap), null);
    }

    @Override
    public boolean canHandle(File artifact) {
        if (swapped.containsKey(artifact)) {
            return true;
        }
        if (!artifact.getName().endsWith(".jar") || !artifact.isFile()) {
            return false;
        }
        String bsn;
        try {
            bsn = BundleSwap.symbolicName(artifact.toPath());
        } catch (Exception e) {
            return true; // not a jar: moved aside by install()
        }
        if (bsn == null) {
            return true; // not a bundle: moved aside by install()
        }
        String folder = artifact.getAbsoluteFile().getParentFile().toURI().getPath();
        return swap.installed(bsn).filter(b -> !b.getLocation().contains(folder)).isPresent();
    }

    @Override
    public void install(File artifact) throws Exception {
        String bsn;
        try {
            bsn = BundleSwap.symbolicName(artifact.toPath());
        } catch (java.io.IOException e) {
            reject(artifact, "not a jar (" + e.getMessage() + ")");
            return;
        }
        if (bsn == null) {
            reject(artifact, "not a bundle (its manifest has no Bundle-SymbolicName)");
            return;
        }
        swapped.put(artifact, bsn);
        BundleSwap.Outcome outcome = swap.swap(artifact.toPath());
        LOG.info("deploy/{}: {}", artifact.getName(), outcome);
        if (outcome.result() != BundleSwap.Result.SWAPPED) {
            swapped.remove(artifact);
            reject(artifact, outcome.message());
        }
    }

    /**
     * Moves a jar that will not run out of the deploy folder, into {@code deploy/rejected/} beside a {@code .reason}
     * file, so that it is never applied again (at the next start FileInstall would offer it once more).
     */
    static void reject(File artifact, String reason) {
        Path folder = artifact.toPath().toAbsolutePath().getParent().resolve(REJECTED);
        Path target = folder.resolve(artifact.getName());
        try {
            Files.createDirectories(folder);
            AtomicFile.write(folder.resolve(artifact.getName() + ".reason"),
                    out -> out.write((Instant.now() + " " + reason + "\n").getBytes(StandardCharsets.UTF_8)));
            Files.move(artifact.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            LOG.error("deploy/{} rejected: {}; moved to deploy/{}/{}", artifact.getName(), reason, REJECTED, artifact.getName());
        } catch (java.io.IOException e) {
            LOG.error("deploy/{} rejected: {}; it could not be moved to {}: {}", artifact.getName(), reason, target, e.toString());
        }
    }

    @Override
    public void update(File artifact) throws Exception {
        install(artifact);
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        String bsn = swapped.remove(artifact);
        if (bsn != null) {
            LOG.info("deploy/{} removed: {}", artifact.getName(), swap.revert(bsn));
        }
    }
}
