package org.ntmgate.itest.consumer;

import org.ntmgate.api.net.Endpoint;
import org.ntmgate.api.table.EntryKind;
import org.ntmgate.api.table.EntryOwner;
import org.ntmgate.api.table.EntrySpec;
import org.ntmgate.api.table.TranslationTable;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;

/**
 * A stand-in for a role bundle (RS-N, Teredo relay): on start it puts one entry in the shared table, numbered by
 * its own bundle version. The tests copy this class into bundles they build, install and update.
 */
public class ConsumerActivator implements BundleActivator {
    @Override
    public void start(BundleContext context) throws Exception {
        ServiceReference<TranslationTable> ref = context.getServiceReference(TranslationTable.class);
        TranslationTable table = context.getService(ref);
        try {
            int major = context.getBundle().getVersion().getMajor();
            table.insert(EntrySpec.of(EntryKind.NTM_NODE, Endpoint.parse("2001:db8:c0::" + major),
                    Endpoint.parse("2001:db8:e0::" + major), EntryOwner.of(0xC0, major)));
        } finally {
            context.ungetService(ref);
        }
    }

    @Override
    public void stop(BundleContext context) {
        // Deliberately leaves its entries: they belong to the table, not to this bundle's lifetime.
    }
}
