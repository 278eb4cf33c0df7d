package org.ntmgate.lifecycle.impl;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;

/**
 * Writes the gateway's class-data archive when the start script asks for one ({@link ClassDataArchive}): at its
 * delay after start, or when this bundle stops (level 1 stops after the roles at level 2: every class they loaded
 * is in it).
 */
@Component(immediate = true)
public final class ClassDataArchiveComponent {
    private ClassDataArchive archive;

    @Activate
    void activate(BundleContext context) {
        archive = ClassDataArchive.start(context);
    }

    @Deactivate
    void deactivate() {
        if (archive != null) {
            archive.stop();
        }
    }
}
