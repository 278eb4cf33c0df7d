/**
 * How ntmgate components refuse bad configuration: an {@link org.ntmgate.api.config.InvalidConfigurationException}
 * naming the configuration PID and the field, logged and posted on EventAdmin under
 * {@link org.ntmgate.api.config.ConfigurationEvents#TOPIC_REFUSED}; the component keeps its previous settings.
 */
@Export
@Version("1.1.0")
package org.ntmgate.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
