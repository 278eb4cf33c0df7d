package org.ntmgate.lifecycle.impl;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.management.ObjectName;

import org.ntmgate.storage.AtomicFile;
import org.osgi.framework.BundleContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the class-data archive of this JVM's classes for the image's later starts (docs/image.md, section 2:
 * {@code data/cache/cds-<slot>-<version>.jsa}). The image's start script names the file in {@value #ARCHIVE_PROPERTY}
 * and starts the JVM with {@code -XX:+RecordDynamicDumpInfo} when the slot has no archive yet; this writes it once,
 * {@value #DELAY_PROPERTY} seconds (60) after the bundle started, or when the bundle stops, whichever comes first, so a
 * box that is only ever power-cycled gets one too. The JVM stops every thread while it writes (1.4 s for 15 MiB
 * measured, once per slot and version). Written to a {@code .part} file and put in place by
 * {@link AtomicFile#publish}: a power cut leaves no half archive under the name the script maps. Without the
 * property (the jar started by hand, the tests' frameworks) nothing happens.
 */
final class ClassDataArchive {
    /** System property set by the image's start script: where the archive goes. */
    static final String ARCHIVE_PROPERTY = "ntmgate.cds.archive";
    /** Seconds after start before it is written while the gateway runs. */
    static final String DELAY_PROPERTY = "ntmgate.cds.delay.seconds";
    private static final long DEFAULT_DELAY = 60;
    private static final Logger LOG = LoggerFactory.getLogger(ClassDataArchive.class);

    private final Path target;
    private final AtomicBoolean written = new AtomicBoolean();
    private final Thread timer;

    private ClassDataArchive(Path target, long delaySeconds) {
        this.target = target;
        this.timer = new Thread(() -> {
            try {
                Thread.sleep(delaySeconds * 1000);
            } catch (InterruptedException e) {
                return; // stopped first: stop() writes it
            }
            write(delaySeconds + " s after start");
        }, "ntmgate-class-data-archive");
        timer.setDaemon(true);
    }

    /** The archive writer the start script asked for, started; null when it asked for none. */
    static ClassDataArchive start(BundleContext context) {
        String file = context.getProperty(ARCHIVE_PROPERTY);
        if (file == null || file.isBlank()) {
            return null;
        }
        Path target = Path.of(file.trim()).toAbsolutePath();
        if (Files.exists(target)) {
            return null; // this JVM wrote it already (the lifecycle bundle was replaced since)
        }
        ClassDataArchive a = new ClassDataArchive(target, delay(context.getProperty(DELAY_PROPERTY)));
        a.timer.start();
        return a;
    }

    static long delay(String value) {
        return GracefulShutdown.seconds(DELAY_PROPERTY, value, DEFAULT_DELAY, 0);
    }

    /** Writes the archive now if it is not written yet (the bundle stops). */
    void stop() {
        timer.interrupt();
        write("at stop");
    }

    private void write(String when) {
        if (!written.compareAndSet(false, true)) {
            return;
        }
        Path part = target.resolveSibling(target.getFileName() + ".part");
        long started = System.nanoTime();
        try {
            Files.createDirectories(target.getParent());
            Files.deleteIfExists(part);
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmCds",
                    new Object[] { new String[] { "dynamic_dump", part.toString() } }, new String[] { String[].class.getName() });
            long millis = (System.nanoTime() - started) / 1_000_000;
            if (!Files.isRegularFile(part) || Files.size(part) == 0) {
                throw new IOException("the JVM wrote nothing (" + String.valueOf(out).strip() + ")");
            }
            AtomicFile.publish(part, target);
            LOG.info("Class-data archive written {}: {} ({} MiB; the JVM paused about {} ms); later starts of this slot map it", when, target,
                    Files.size(target) >> 20, millis);
        } catch (Exception e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            LOG.warn("The class-data archive {} was not written ({}): later starts run without it", target, cause.toString());
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // nothing more to do: the script removes stray parts at the next start
            }
        }
    }
}
