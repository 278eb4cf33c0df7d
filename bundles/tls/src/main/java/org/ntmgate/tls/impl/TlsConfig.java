package org.ntmgate.tls.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.AttributeType;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** PID {@code org.ntmgate.console.tls}: HTTPS for the console, its JSON API and /metrics. */
@ObjectClassDefinition(name = "ntmgate console HTTPS", description = "HTTPS for the console, the JSON API and /metrics: the gateway's own"
        + " certificate (made at first start, kept in tls/ of the gateway's home), or a keystore you name (an ISP's certificate), watched for changes.")
public @interface TlsConfig {
    @AttributeDefinition(name = "Enabled", description = "Serve HTTPS. Without it, plain HTTP from anywhere but this host is refused.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Port", description = "The HTTPS port; 0: framework property org.osgi.service.http.port.secure, else 8443.")
    int port() default 0;

    @AttributeDefinition(name = "Keystore", description = "A PKCS12 or JKS keystore with the key and certificate chain to serve; empty: the gateway's own certificate.")
    String keystore() default "";

    @AttributeDefinition(name = "Keystore password", type = AttributeType.PASSWORD, description = "The keystore's password.")
    String keystorePassword() default "";

    @AttributeDefinition(name = "Key password", type = AttributeType.PASSWORD, description = "Empty: the keystore password.")
    String keyPassword() default "";

    @AttributeDefinition(name = "Keystore type", description = "PKCS12 or JKS.")
    String keystoreType() default "PKCS12";

    @AttributeDefinition(name = "Host names", description = "More names for the gateway's own certificate (its host name, localhost and its addresses are in it already).")
    String[] hostNames() default {};

    @AttributeDefinition(name = "Check every (seconds)", min = "1", max = "3600", description = "How often the configured keystore is checked for a new certificate.")
    int checkSeconds() default 10;
}
