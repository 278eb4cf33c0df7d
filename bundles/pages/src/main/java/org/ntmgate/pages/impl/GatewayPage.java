package org.ntmgate.pages.impl;

import org.osgi.service.component.annotations.Reference;

/**
 * A page that reads the gateway through {@link Gateway}: what every page of the console is. Its subclasses are DS
 * components; the reference is inherited ({@code -dsannotations-options: inherit} in the bundle's bnd.bnd).
 */
abstract class GatewayPage implements Page {
    @Reference
    Gateway gateway;

    /** This page on {@code gateway} outside a framework (the pages' fixture). */
    GatewayPage on(Gateway gateway) {
        this.gateway = gateway;
        return this;
    }
}
