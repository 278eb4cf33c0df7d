package org.ntmgate.api.config;

import org.osgi.annotation.versioning.ProviderType;

/** The configuration gate's record of refused writes, for status commands and pages. */
@ProviderType
public interface ConfigurationRefusals {
    /** The refusal of {@code pid}'s last write not yet fixed (one line: where it came from, field, reason), or null. */
    String refusal(String pid);
}
