package org.ntmgate.runtime;

import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;

/** Put into a copy of a role's bundle by the swap tests: a build whose activator throws when it starts. */
public final class ThrowingActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) {
        throw new IllegalStateException("this build's activator fails on purpose");
    }

    @Override
    public void stop(BundleContext context) {
        // never started
    }
}
