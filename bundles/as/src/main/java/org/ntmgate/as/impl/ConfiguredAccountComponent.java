package org.ntmgate.as.impl;

import java.util.Map;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One per factory configuration of {@code org.ntmgate.as.account}: puts its account into the Account Server's book
 * when created or changed. The Account Server removes the account when the configuration is deleted (it listens
 * for that: a component's deactivation alone cannot tell a deletion from a shutdown).
 */
@Component(configurationPid = AccountServerComponent.ACCOUNT_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = AccountConfig.class, factory = true)
public class ConfiguredAccountComponent {
    private final AccountServerComponent as;

    @Activate
    public ConfiguredAccountComponent(@Reference AccountServerComponent as, AccountConfig config, Map<String, Object> props) {
        this.as = as;
        apply(config, props);
    }

    @Modified
    void apply(AccountConfig config, Map<String, Object> props) {
        as.defineConfiguredAccount((String) props.get("service.pid"), config);
    }
}
