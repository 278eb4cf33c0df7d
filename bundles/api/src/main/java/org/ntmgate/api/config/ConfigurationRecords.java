package org.ntmgate.api.config;

import java.util.Map;

import org.osgi.annotation.versioning.ProviderType;

/**
 * What the configuration gate knows of each PID: the last configuration its owner accepted, and the refusal of a
 * later write not yet fixed. For status commands and pages, and for validators whose check spans several
 * configurations (pools must not overlap): an accepted configuration has the right of way over one that is not.
 */
@ProviderType
public interface ConfigurationRecords {
    /** The refusal of {@code pid}'s last write not yet fixed (one line: where it came from, field, reason), or null. */
    String refusal(String pid);

    /** Whether a configuration of {@code pid} is stored now. */
    boolean stored(String pid);

    /** The last accepted properties of every configuration of {@code factoryPid}, by PID. */
    Map<String, Map<String, Object>> accepted(String factoryPid);
}
