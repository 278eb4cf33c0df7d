package org.ntmgate.lifecycle.impl;

import java.io.File;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The deploy folder's door to {@link BundleSwap}: FileInstall asks registered installers before it installs a jar
 * itself, so a jar whose symbolic name is a bundle the runtime installed (not one FileInstall installed from this
 * folder) is swapped in for it; removing the jar puts the previous build back. Any other jar is left to FileInstall.
 */
final class DeployFolderSwap implements ArtifactInstaller {
    private static final Logger LOG = LoggerFactory.getLogger(DeployFolderSwap.class);
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
        try {
            String bsn = BundleSwap.symbolicName(artifact.toPath());
            String folder = artifact.getAbsoluteFile().getParentFile().toURI().getPath();
            return bsn != null && swap.installed(bsn).filter(b -> !b.getLocation().contains(folder)).isPresent();
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public void install(File artifact) throws Exception {
        swapped.put(artifact, BundleSwap.symbolicName(artifact.toPath()));
        LOG.info("deploy/{}: {}", artifact.getName(), swap.swap(artifact.toPath()));
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
