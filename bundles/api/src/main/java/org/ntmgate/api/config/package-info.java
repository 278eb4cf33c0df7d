/**
 * How ntmgate refuses bad configuration: an {@link org.ntmgate.api.config.InvalidConfigurationException} naming the
 * configuration PID and the field, logged and posted on EventAdmin under
 * {@link org.ntmgate.api.config.ConfigurationEvents#TOPIC_REFUSED}. The bundle that owns a PID registers a
 * {@link org.ntmgate.api.config.ConfigurationValidator}; the configuration gate runs it for every write and keeps
 * the last accepted configuration stored, so what runs after a restart is what ran before it.
 * {@link org.ntmgate.api.config.ConfigChecks#typed} turns stored properties into a configuration type with a type
 * error reported as one line naming the field, as range errors are.
 */
@Export
@Version("1.4.0")
package org.ntmgate.api.config;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
