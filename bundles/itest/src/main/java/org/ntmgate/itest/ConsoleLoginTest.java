package org.ntmgate.itest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

/**
 * The Web Console's login (org.ntmgate.console's security provider) in the real framework, over HTTP on the console's
 * port: the generated login, the move out of the console's own configuration that earlier builds used, a password
 * set in plain text while running, which works at once and is stored only as its hash, and a login set in the
 * console's own configuration while running, which moves to ours.
 */
@ExtendWith(BundleContextExtension.class)
@ExtendWith(ServiceExtension.class)
class ConsoleLoginTest {
    private static final String PID = "org.ntmgate.console";
    private static final String WEBCONSOLE_PID = "org.apache.felix.webconsole.internal.servlet.OsgiManager";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @InjectBundleContext
    BundleContext context;

    @Test
    void theConsoleOpensOnlyToTheStoredLoginWhichLeavesTheConsolesOwnPidAndIsNeverKeptInPlainText(@InjectService ConfigurationAdmin cm)
            throws Exception {
        // as the runtime starts: a generated login, a salted hash in our PID, nothing in the console's own PID (each
        // update of which takes every console page down and up again)
        Dictionary<String, Object> ours = cm.getConfiguration(PID, "?").getProperties();
        assertNotNull(ours);
        assertTrue(String.valueOf(ours.get("password")).startsWith("{sha-256}"), "only a hash is stored");
        assertTrue(String.valueOf(ours.get("password")).matches("\\{sha-256\\}[0-9a-f]{32}-1-.*"),
                "a generated password (about 140 bits) is stored as one salted digest: " + ours.get("password"));
        assertEquals(Boolean.TRUE, ours.get("ntmgate.generated"));
        assertNull(cm.getConfiguration(WEBCONSOLE_PID, "?").getProperties());
        Await.probe("the console answers", WAIT, () -> status(null, null) == 401);
        assertEquals(401, status("admin", "admin"));

        // a box upgraded from an earlier build: the login in the console's own PID (here one set in plain text)
        Bundle console = bundle("org.ntmgate.console");
        console.stop();
        Await.probe("no console page without our login", WAIT, () -> status(null, null) == 404);
        cm.getConfiguration(PID, "?").delete();
        cm.getConfiguration(WEBCONSOLE_PID, "?").update(props("tech", "plain-old-secret"));
        console.start();
        Await.probe("the login moved to " + PID, WAIT, () -> "tech".equals(get(cm, PID, "username")));
        assertTrue(String.valueOf(get(cm, PID, "password")).startsWith("{sha-256}"), "stored as its hash, not in plain text");
        // The Web Console, still running, may hash the plain password in its own PID before our console moves it
        // (its own salt and 1,000-fold); then that hash is what moves, as nobody has the password to hash it again.
        // Either way it is a salted, stretched hash; 10,000-fold for a plain password is shown in the next step.
        assertTrue(String.valueOf(get(cm, PID, "password")).matches("\\{sha-256\\}[0-9a-f]{16,32}-(1000|10000)-.*"),
                "a password someone chose is stored salted and stretched: " + get(cm, PID, "password"));
        Await.probe("the console's own PID is left empty", WAIT, () -> get(cm, WEBCONSOLE_PID, "password") == null);
        Await.probe("tech logs in with the moved password", WAIT, () -> status("tech", "plain-old-secret") == 200);
        assertEquals(401, status("tech", "plain-old-secreT"));
        assertEquals(401, status("admin", "plain-old-secret"));
        assertEquals(401, status("admin", "admin"));

        // a new password, set in plain text while running (the console's Configuration page or a .cfg file)
        cm.getConfiguration(PID, "?").update(props("tech", "new-secret-2026"));
        Await.probe("the new password works at once", WAIT, () -> status("tech", "new-secret-2026") == 200);
        Await.probe("and is stored as its hash", WAIT, () -> String.valueOf(get(cm, PID, "password")).startsWith("{sha-256}"));
        assertTrue(String.valueOf(get(cm, PID, "password")).matches("\\{sha-256\\}[0-9a-f]{32}-10000-.*"),
                "a password someone chose is stretched 10,000-fold: " + get(cm, PID, "password"));
        assertEquals(401, status("tech", "plain-old-secret"));

        // a login set in the console's own PID while running (its Configuration page for the OsgiManager): it moves to
        // ours at once, replacing the login there, and leaves that PID
        cm.getConfiguration(WEBCONSOLE_PID, "?").update(props("field", "tech-2027-secret"));
        Await.probe("the login set in the console's own PID works", WAIT, () -> status("field", "tech-2027-secret") == 200);
        Await.probe("and has left that PID", WAIT, () -> get(cm, WEBCONSOLE_PID, "password") == null);
        assertEquals("field", get(cm, PID, "username"));
        assertTrue(String.valueOf(get(cm, PID, "password")).startsWith("{sha-256}"), "stored as its hash");
        assertEquals(401, status("tech", "new-secret-2026"), "the login it replaced no longer opens the console");

        // back to a generated login for whatever runs next
        console.stop();
        cm.getConfiguration(PID, "?").delete();
        console.start();
        Await.probe("a new generated login", WAIT, () -> Boolean.TRUE.equals(get(cm, PID, "ntmgate.generated")));
        Await.probe("the console answers again", WAIT, () -> status(null, null) == 401);
    }

    private Bundle bundle(String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }

    private static Object get(ConfigurationAdmin cm, String pid, String key) throws Exception {
        Dictionary<String, Object> p = cm.getConfiguration(pid, "?").getProperties();
        return p == null ? null : p.get(key);
    }

    private static Dictionary<String, Object> props(String username, String password) {
        Hashtable<String, Object> p = new Hashtable<>();
        p.put("username", username);
        p.put("password", password);
        return p;
    }

    private int status(String user, String password) throws Exception {
        String port = context.getProperty("org.osgi.service.http.port");
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/system/console/bundles"))
                .timeout(Duration.ofSeconds(10));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
