package org.ntmgate.pool.impl;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.Designate;

/**
 * One per factory configuration of PID {@code org.ntmgate.pool}: hands its pool to the pool service, again when
 * edited (a refused edit leaves the previous definition in force), and withdraws it when the configuration is
 * deleted.
 */
@Component(configurationPid = PoolSettings.FACTORY_PID, configurationPolicy = ConfigurationPolicy.REQUIRE, service = {})
@Designate(ocd = PoolConfig.class, factory = true)
public class PoolDefinitionComponent {
    private final PoolRegistrar registrar;
    private final String pid;

    @Activate
    public PoolDefinitionComponent(@Reference PoolRegistrar registrar, PoolConfig config, java.util.Map<String, Object> props) {
        this.registrar = registrar;
        this.pid = String.valueOf(props.get("service.pid"));
        registrar.define(pid, config);
    }

    @Modified
    void modified(PoolConfig config) {
        registrar.define(pid, config);
    }

    @Deactivate
    void deactivate() {
        registrar.withdraw(pid);
    }
}
