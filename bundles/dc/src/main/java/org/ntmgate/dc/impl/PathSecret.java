package org.ntmgate.dc.impl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

import org.ntmgate.storage.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * K_pathid, the DC's secret for path ids (protocol.md 12.1): made once, kept in the bundle's data area (mode 0600,
 * written atomically) so that the same pair of names keeps its path id across restarts and bundle updates.
 */
final class PathSecret {
    private static final Logger LOG = LoggerFactory.getLogger(PathSecret.class);

    private PathSecret() {
    }

    static byte[] load(Path file) {
        if (file != null && Files.isRegularFile(file)) {
            try {
                byte[] b = Files.readAllBytes(file);
                if (b.length == 32) {
                    return b;
                }
                LOG.error("Path secret {} has {} bytes, not 32: making a new one (path ids change)", file, b.length);
            } catch (IOException e) {
                LOG.error("Path secret {} is unreadable ({}): making a new one (path ids change)", file, e.toString());
            }
        }
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        if (file != null) {
            try {
                AtomicFile.write(file, out -> out.write(secret), PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                LOG.error("Could not keep the path secret in {} ({}): path ids change at the next restart", file, e.toString());
            }
        }
        return secret;
    }
}
