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
    private String definedName;
    private String attemptedName;

    @Activate
    public PoolDefinitionComponent(@Reference PoolRegistrar registrar, PoolConfig config, java.util.Map<String, Object> props) {
        this.registrar = registrar;
        apply(config, props);
    }

    @Modified
    void modified(PoolConfig config, java.util.Map<String, Object> props) {
        apply(config, props);
    }

    private void apply(PoolConfig config, java.util.Map<String, Object> props) {
        attemptedName = config.name() == null ? "" : config.name().trim();
        if (registrar.define(config)) {
            String name = config.name().trim();
            registrar.defined(String.valueOf(props.get("service.pid")), name);
            if (definedName != null && !definedName.equals(name)) {
                registrar.undefine(definedName); // renamed: the old name stops handing out addresses
            }
            definedName = name;
        }
    }

    @Deactivate
    void deactivate() {
        if (definedName != null) {
            registrar.undefine(definedName);
        }
        if (attemptedName != null && !attemptedName.equals(definedName)) {
            registrar.withdrawn(attemptedName); // a refused definition whose configuration is gone is no longer a problem
        }
    }
}
