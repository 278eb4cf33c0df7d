package org.ntmgate.console.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Set;

import org.ntmgate.storage.AtomicFile;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Web Console's login, kept in configuration PID {@value #PID} (never in the console's own PID, whose every
 * update makes the console take all its pages down and up again). At start-up, {@link #load}: a password stored there
 * is used; one an administrator set in plain text is replaced by its salted hash; a password still in the console's
 * own PID (configured there, or generated there by earlier builds) is moved here, and so is one that appears there
 * later ({@link #moveIn}, on each update of that PID); and when there is none, a random
 * one is generated, only its hash stored, and the plain password written once, with mode 0600 from the first byte, to
 * the file named by framework property {@value #PASSWORD_FILE_PROPERTY}, which the log names.
 */
final class ConsoleCredentials {
    static final String PID = "org.ntmgate.console";
    static final String WEBCONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    /** Framework property: where the generated password is written. */
    static final String PASSWORD_FILE_PROPERTY = "ntmgate.console.password.file";
    static final String DEFAULT_PASSWORD_FILE = "console-password";
    /** Marks a password this bundle generated, so the log can tell generated and configured apart. */
    static final String GENERATED_MARKER = "ntmgate.generated";
    static final String USERNAME = "admin";
    private static final Set<String> MOVED = Set.of("username", "password", GENERATED_MARKER);

    private static final Logger LOG = LoggerFactory.getLogger(ConsoleCredentials.class);

    /** A user name and the stored form of its password (a hash). */
    record Login(String username, String password) {
        boolean accepts(String user, String given) {
            // the digest is computed whatever the user name, so a wrong name takes as long as a wrong password
            boolean passwordMatches = ConsolePasswordHash.matches(password, given);
            return passwordMatches & username.equals(user);
        }
    }

    private ConsoleCredentials() {
    }

    /** Told the plain password this bundle generated, with its login. */
    interface Generated {
        void generated(Login login, String password);
    }

    /** The login to use now; generates, hashes or moves it first as the class comment says. */
    static Login load(BundleContext context, ConfigurationAdmin configAdmin, Generated generated) throws IOException {
        Configuration config = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> props = config.getProperties();
        if (props == null || props.get("password") == null) {
            Dictionary<String, Object> moved = moveFromConsolePid(configAdmin, props);
            if (moved != null) {
                props = moved;
                config.update(props);
            }
        }
        if (props == null || props.get("password") == null) {
            return generate(context, config, props, generated);
        }
        return hashedIfPlain(config, props, "configuration " + PID);
    }

    /** A password configured in plain text is replaced by its hash in the configuration at once. */
    static Login hashedIfPlain(Configuration config, Dictionary<String, Object> props, String where) throws IOException {
        String username = String.valueOf(props.get("username") == null ? USERNAME : props.get("username"));
        String password = String.valueOf(props.get("password"));
        if (!ConsolePasswordHash.isHash(password)) {
            Dictionary<String, Object> next = copy(props);
            next.put("username", username);
            next.put("password", ConsolePasswordHash.hashWithNewSalt(password, new SecureRandom()));
            next.remove(GENERATED_MARKER);
            config.update(next);
            LOG.info("Web Console: the password configured in plain text in {} is now stored as its salted hash", where);
            return new Login(username, String.valueOf(next.get("password")));
        }
        LOG.info("Web Console: using the {} password for user '{}' (configuration {})",
                Boolean.TRUE.equals(props.get(GENERATED_MARKER)) ? "generated" : "configured", username, PID);
        return new Login(username, password);
    }

    /**
     * A login that appears in the console's own PID while the gateway runs (set on the console's Configuration page for
     * it, or written back there by the console itself once it has hashed a plain password) moves here, replacing ours:
     * it is the newer one. Returns whether there was one.
     */
    static boolean moveIn(ConfigurationAdmin configAdmin) throws IOException {
        Configuration config = configAdmin.getConfiguration(PID, "?");
        Dictionary<String, Object> moved = moveFromConsolePid(configAdmin, config.getProperties());
        if (moved == null) {
            return false;
        }
        config.update(moved); // our ManagedService takes it from there (hashed if it is plain)
        return true;
    }

    /**
     * A login in the console's own PID (earlier builds kept the generated one there; an administrator may set one
     * there) moves here, and leaves that PID.
     */
    private static Dictionary<String, Object> moveFromConsolePid(ConfigurationAdmin configAdmin, Dictionary<String, Object> ours)
            throws IOException {
        Configuration console = configAdmin.getConfiguration(WEBCONSOLE_PID, "?");
        Dictionary<String, Object> theirs = console.getProperties();
        if (theirs == null || theirs.get("password") == null) {
            return null;
        }
        Dictionary<String, Object> next = ours == null ? new Hashtable<>() : copy(ours);
        for (String key : MOVED) {
            if (theirs.get(key) != null) {
                next.put(key, theirs.get(key));
            } else {
                next.remove(key); // no generated mark of ours stays on a password someone set
            }
        }
        Dictionary<String, Object> left = copy(theirs);
        MOVED.forEach(left::remove);
        List<String> rest = Collections.list(left.keys()).stream()
                .filter(k -> !k.equals(Constants.SERVICE_PID) && !k.equals("service.bundleLocation")).toList();
        if (rest.isEmpty()) {
            console.delete();
        } else {
            console.update(left);
        }
        LOG.info("Web Console: the login moved from configuration {} to {}", WEBCONSOLE_PID, PID);
        return next;
    }

    private static Login generate(BundleContext context, Configuration config, Dictionary<String, Object> props, Generated generated)
            throws IOException {
        String fileName = context.getProperty(PASSWORD_FILE_PROPERTY);
        Path passwordFile = Paths.get(fileName == null ? DEFAULT_PASSWORD_FILE : fileName).toAbsolutePath();
        SecureRandom random = new SecureRandom();
        String password = ConsolePasswordHash.newPassword(random, 24);
        writeOwnerOnly(passwordFile, "username=" + USERNAME + "\npassword=" + password + "\n");
        Dictionary<String, Object> next = props == null ? new Hashtable<>() : copy(props);
        next.put("username", USERNAME);
        next.put("password", ConsolePasswordHash.hashWithNewSalt(password, random, ConsolePasswordHash.GENERATED_ITERATIONS));
        next.put(GENERATED_MARKER, Boolean.TRUE);
        config.update(next);
        LOG.warn("Web Console: no password was configured, so one was generated for user '{}'. Read it from {}"
                + " (readable by its owner only), then delete the file; set 'password' in configuration {} to replace it.",
                USERNAME, passwordFile, PID);
        Login login = new Login(USERNAME, String.valueOf(next.get("password")));
        generated.generated(login, password);
        return login;
    }

    private static Dictionary<String, Object> copy(Dictionary<String, Object> d) {
        Hashtable<String, Object> c = new Hashtable<>();
        for (String k : Collections.list(d.keys())) {
            c.put(k, d.get(k));
        }
        return c;
    }

    /** Writes atomically, with mode 0600 from the first byte: no moment where others could read the file. */
    static void writeOwnerOnly(Path file, String content) throws IOException {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        AtomicFile.write(file, out -> out.write(bytes), PosixFilePermissions.fromString("rw-------"));
    }
}
