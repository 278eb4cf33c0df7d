package org.ntmgate.console.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Dictionary;
import java.util.Hashtable;

import org.ntmgate.storage.AtomicFile;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the Web Console never accepts admin/admin.
 *
 * <p>The runtime starts the console with a password hash that no password matches (framework property
 * {@code felix.webconsole.password}), so nothing gets in before this component runs. On activation, when the
 * console's configuration ({@value #WEBCONSOLE_PID}) has no password, it generates a random one, stores only its
 * salted hash there, and writes the plain password once to a file readable by its owner only, whose path the log
 * names. A password an administrator configured (console Configuration page, a .cfg file in the deploy folder)
 * is never touched.
 */
@Component(immediate = true)
public class ConsoleCredentials {
    static final String WEBCONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** Framework property: where the generated password is written. */
    static final String PASSWORD_FILE_PROPERTY = "ntmgate.console.password.file";
    static final String DEFAULT_PASSWORD_FILE = "console-password";
    /** Marks a password this component generated, so the log can tell generated and configured apart. */
    static final String GENERATED_MARKER = "ntmgate.generated";
    static final String USERNAME = "admin";

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentials.class);

    @Activate
    public ConsoleCredentials(BundleContext context, @Reference ConfigurationAdmin configAdmin) throws IOException {
        String fileName = context.getProperty(PASSWORD_FILE_PROPERTY);
        Path passwordFile = Paths.get(fileName == null ? DEFAULT_PASSWORD_FILE : fileName).toAbsolutePath();
        Configuration config = configAdmin.getConfiguration(WEBCONSOLE_PID, "?");
        Dictionary<String, Object> props = config.getProperties();
        if (props != null && props.get("password") != null) {
            LOG.info("Web Console: using the {} password (configuration {})",
                    Boolean.TRUE.equals(props.get(GENERATED_MARKER)) ? "generated" : "configured", WEBCONSOLE_PID);
            return;
        }
        SecureRandom random = new SecureRandom();
        String password = ConsolePasswordHash.newPassword(random, 24);
        writeOwnerOnly(passwordFile, "username=" + USERNAME + "\npassword=" + password + "\n");
        Dictionary<String, Object> next = props == null ? new Hashtable<>() : props;
        next.put("username", USERNAME);
        next.put("password", ConsolePasswordHash.hashWithNewSalt(password, random));
        next.put(GENERATED_MARKER, Boolean.TRUE);
        config.update(next);
        LOG.warn("Web Console: no password was configured, so one was generated for user '{}'. Read it from {}"
                + " (readable by its owner only), then delete the file; set 'password' in configuration {} to replace it.",
                USERNAME, passwordFile, WEBCONSOLE_PID);
    }

    /** Writes atomically, with mode 0600 from the first byte: no moment where others could read the file. */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes), PosixFilePermissions.fromString("rw-------"));
    }
}
