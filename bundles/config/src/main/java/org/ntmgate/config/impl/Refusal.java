package org.ntmgate.config.impl;

import java.time.Instant;

/**
 * A configuration write its owner refused: the PID, the field, the one-line message (which names both), where the
 * write came from ("deploy/x.cfg", "ConfigAdmin"; for a file, its URL), and when.
 */
record Refusal(String pid, String field, String message, String source, String file, Instant at) {
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
