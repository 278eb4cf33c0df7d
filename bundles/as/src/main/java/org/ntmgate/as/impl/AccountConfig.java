package org.ntmgate.as.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * One account as configuration: factory PID {@code org.ntmgate.as.account}. It carries a derived credential (from
 * Gogo {@code as:hash <password>}), never a password, since configurations are stored in the clear.
 */
@ObjectClassDefinition(name = "ntmgate account", description = "An NTM node's account on this Account Server. Deleting"
        + " the configuration removes the account.")
public @interface AccountConfig {
    @AttributeDefinition(name = "Node FQDN", description = "The name the node logs in with (its fqdn), e.g. laptop.ntm.example.net.")
    String fqdn();

    @AttributeDefinition(name = "Credential", type = AttributeType.PASSWORD,
            description = "{pbkdf2-sha256}<iterations>$<salt hex>$<key hex>: what 'runtime/bin/ntmgate account add' writes, 'runtime/bin/ntmgate credential' or 'as:hash <password>' prints; never the password.")
    String credential();

    @AttributeDefinition(name = "Enabled", description = "Off: the account's logins are refused.")
    boolean enabled() default true;

    /** How the Web Console's Configuration page lists this configuration: by the node's FQDN, not its PID. */
    @AttributeDefinition(name = "Listed as", description = "How the Configuration page lists this account; {fqdn} is the node's FQDN.")
    String webconsole_configurationFactory_nameHint() default "{fqdn}";
}
