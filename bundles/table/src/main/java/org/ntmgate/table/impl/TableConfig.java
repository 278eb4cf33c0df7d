package org.ntmgate.table.impl;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration PID {@code org.ntmgate.table}; the Web Console's Configuration page edits it. */
@ObjectClassDefinition(name = "ntmgate translation table",
        description = "The shared translation table used by the RS-N and the Teredo relay. Changes take effect at once;"
                + " entries are kept.")
public @interface TableConfig {
    @AttributeDefinition(name = "Capacity", min = "1", max = "16777216",
            description = "Most entries the table holds; inserts beyond it are refused and counted."
                    + " Lowering it below the current size keeps existing entries.")
    int capacity() default 65_536;

    @AttributeDefinition(name = "Idle timeout (seconds)", min = "1", max = "604800",
            description = "An entry unused for this long expires, unless its owner gave it a timeout of its own.")
    long idleTimeoutSeconds() default 300;

    @AttributeDefinition(name = "Sweep interval (seconds)", min = "1", max = "3600",
            description = "How often idle entries are looked for.")
    int sweepIntervalSeconds() default 5;

    @AttributeDefinition(name = "Snapshot interval (seconds)", min = "1", max = "86400",
            description = "How often the entries are saved when they changed; they are always saved on a clean stop."
                    + " A crash loses at most this much.")
    int snapshotIntervalSeconds() default 30;
}
