package org.ntmgate.pages.impl;

import org.apache.felix.webconsole.spi.BrandingPlugin;
import org.osgi.service.component.annotations.Component;

/** The console says whose it is: "ntmgate gateway" in every page's title and header, its logo linking to the Overview. */
@Component(service = BrandingPlugin.class)
public class Branding implements BrandingPlugin {
    @Override
    public String getBrandName() {
        return "ntmgate gateway";
    }

    @Override
    public String getProductName() {
        return "ntmgate";
    }

    @Override
    public String getProductURL() {
        return "/system/console/ntmgate-overview";
    }

    @Override
    public String getProductImage() {
        return "/ntmgate-overview/res/logo.svg";
    }

    @Override
    public String getVendorName() {
        return "ntmgate";
    }

    @Override
    public String getVendorURL() {
        return "/system/console/ntmgate-overview";
    }

    @Override
    public String getVendorImage() {
        return getProductImage();
    }

    @Override
    public String getFavIcon() {
        return "/res/imgs/favicon.ico";
    }

    @Override
    public String getMainStyleSheet() {
        return "/res/ui/webconsole.css";
    }
}
