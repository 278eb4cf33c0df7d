package org.ntmgate.config.impl;

import java.time.Instant;

/**
 * A configuration write its owner refused: the PID, the field, the one-line message (which names both), where the
 * write came from ("deploy/x.cfg", "ConfigAdmin"; for a file, its URL), when, and the image version that refused it
 * (framework property {@code ntmgate.image.version}; null outside an image).
 */
record Refusal(String pid, String field, String message, String source, String file, Instant at, String image) {
    Refusal(String pid, String field, String message, String source, String file, Instant at) {
        this(pid, field, message, source, file, at, null);
    }

    /**
     * Whether it was refused under another image than {@code running}: a slot the box has left (a rolled-back
     * upgrade whose defaults were refused), so it is no longer a problem once what is stored is accepted.
     */
    boolean otherImage(String running) {
        return image != null && running != null && !image.equals(running);
    }
    /** Whether it came from a file in the deploy folder that has been removed since: then nothing is wrong any more. */
    boolean fileGone() {
        if (file == null || file.isEmpty()) {
            return false;
        }
        try {
            return !java.nio.file.Files.exists(java.nio.file.Path.of(java.net.URI.create(file)));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The line the log, the health endpoint and Gogo show. */
    String line() {
        return "configuration " + pid + " from " + source + " refused at " + at + ": " + message;
    }
}
