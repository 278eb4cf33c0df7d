package org.ntmgate.lifecycle.impl;

import java.io.File;
import org.ntmgate.api.health.GatewayHealth;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Module hot-swap ({@link BundleSwap}) and its three ways in: the Gogo commands in scope {@code ntmgate} (this
 * component's own methods), the console's upload page ({@link ConsoleUploadSwap}) and the deploy folder
 * ({@link DeployFolderSwap}, when FileInstall is there).
 */
@Component(service = SwapCommands.class, immediate = true, property = { "osgi.command.scope=ntmgate", "osgi.command.function=swap", "osgi.command.function=revert",
        "osgi.command.function=swaps" })
public final class SwapCommands {
    private static final Logger LOG = LoggerFactory.getLogger(SwapCommands.class);

    @Reference
    private GatewayHealth health;
    private BundleSwap swap;
    private ServiceRegistration<?> consoleSwap;
    private ServiceRegistration<?> deploySwap;

    @Activate
    void activate(BundleContext context) {
        File kept = context.getDataFile("swap");
        swap = new BundleSwap(context, kept == null ? Path.of("swap").toAbsolutePath() : kept.toPath(), health);
        try {
            File uploads = context.getDataFile("upload");
            consoleSwap = ConsoleUploadSwap.register(context, swap, uploads == null ? Path.of("upload").toAbsolutePath() : uploads.toPath());
        } catch (NoClassDefFoundError e) {
            LOG.info("No servlet API in this framework: no upload page for hot-swap ({})", e.getMessage());
        }
        try {
            deploySwap = DeployFolderSwap.register(context, swap);
        } catch (NoClassDefFoundError e) {
            LOG.info("No FileInstall in this framework: hot-swap through Gogo only ({})", e.getMessage());
        }
    }

    @Deactivate
    void deactivate() {
        for (ServiceRegistration<?> r : new ServiceRegistration<?>[] { consoleSwap, deploySwap }) {
            if (r != null) {
                r.unregister();
            }
        }
    }

    /** ntmgate:swap JAR: swaps a new build in for the running bundle of the same symbolic name. */
    public String swap(String jar) throws IOException {
        return swap.swap(Path.of(jar).toAbsolutePath()).message();
    }

    /** ntmgate:revert BSN: puts the previous build back. */
    public String revert(String bsn) throws IOException {
        return swap.revert(bsn);
    }

    /** ntmgate:swaps: the previous builds kept. */
    public String swaps() throws IOException {
        return swap.list();
    }
}
