package org.ntmgate.provision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Accounts, keys and the ntmgate provisioning commands. */
class ProvisionTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String stdin, String... args) throws IOException {
        out.reset();
        err.reset();
        return new Main(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(args, new BufferedReader(new StringReader(stdin)));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    @Test
    void accountsAreNamedTheSameForConfigAdminAndForTheDeployFolder() {
        String typed = " Laptop.NTM.example.net. ";
        assertEquals("laptop.ntm.example.net", Accounts.fqdn(typed));
        // FileInstall makes factory configuration <factory PID>~<name> of file <factory PID>-<name>.cfg
        assertEquals("org.ntmgate.as.account~laptop.ntm.example.net", Accounts.pid(typed));
        assertEquals("org.ntmgate.as.account-laptop.ntm.example.net.cfg", Accounts.fileName(typed));
        assertEquals("org.ntmgate.as.account~a_b.example.net", Accounts.pid("a b.example.net"), "no character a PID may not hold");
        String p = Accounts.password();
        assertEquals(Accounts.PASSWORD_LENGTH, p.length());
        assertTrue(p.matches("[a-km-zA-HJ-NP-Z2-9]+"), p);
        assertNotEquals(p, Accounts.password());
    }

    @Test
    void keygenPrintsKeyIdsAndKeysThatEveryKeyFieldTakes() throws IOException {
        assertEquals(0, run("", "keygen", "3"));
        String[] lines = out().strip().split("\n");
        assertEquals(3, lines.length);
        for (String l : lines) {
            String[] f = l.split(" ");
            long id = Long.parseLong(f[0]);
            assertTrue(id >= 1 && id <= Integer.MAX_VALUE, l);
            assertTrue(f[1].matches("[0-9a-f]{64}"), l);
        }
        assertNotEquals(lines[0], lines[1]);
        assertEquals(2, run("", "keygen", "zero"));
        assertTrue(err().contains("count must be a whole number of at least 1, not 'zero'"), err());
    }

    @Test
    void accountAddWritesAConfigurationTheAsReadsAndPrintsThePasswordOnce() throws IOException {
        Path deploy = dir.resolve("deploy");
        assertEquals(0, run("", "account", "add", "Laptop.ntm.example.net", "--deploy", deploy.toString(), "--iterations", "1000"));
        String password = out().strip();
        assertEquals(Accounts.PASSWORD_LENGTH, password.length(), out());
        Path file = deploy.resolve("org.ntmgate.as.account-laptop.ntm.example.net.cfg");
        assertTrue(err().contains("account laptop.ntm.example.net written to " + file), err());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        assertEquals("laptop.ntm.example.net", p.getProperty("fqdn"));
        assertEquals("true", p.getProperty("enabled"));
        Credentials.Derived d = Credentials.parse(p.getProperty("credential"));
        assertArrayEquals(Credentials.derive(password, d.salt(), 1000), d.key(), "the file holds the printed password's credential");
        assertFalse(Files.readString(file).contains(password), "never the password itself");

        // a second add of the same name is refused and the file stays as it was
        String before = Files.readString(file);
        assertEquals(1, run("", "account", "add", "laptop.ntm.example.net", "--deploy", deploy.toString()));
        assertTrue(err().contains("exists: an account for laptop.ntm.example.net is configured there"), err());
        assertEquals("", out(), "no password printed for a refused add");
        assertEquals(before, Files.readString(file));

        // the start script puts its --deploy first: one given after it wins
        Path other = dir.resolve("other");
        assertEquals(0, run("", "account", "--deploy", deploy.toString(), "add", "tv.ntm.example.net", "--deploy", other.toString(), "--iterations", "1000"));
        assertTrue(Files.exists(other.resolve("org.ntmgate.as.account-tv.ntm.example.net.cfg")));
        assertFalse(Files.exists(deploy.resolve("org.ntmgate.as.account-tv.ntm.example.net.cfg")));

        assertEquals(1, run("", "account", "add", "laptop", "--deploy", deploy.toString()));
        assertTrue(err().contains("'laptop' is not a fully qualified DNS name"), err());
        assertEquals(2, run("", "account", "add"));
        assertEquals(2, run("", "account", "add", "x.example.net", "--iterations"));
        assertTrue(err().contains("--iterations needs a value"), err());
    }

    @Test
    void credentialTurnsAPasswordFromStandardInputIntoACredential() throws IOException {
        assertEquals(0, run("my long password\n", "credential", "--iterations", "1000"));
        Credentials.Derived d = Credentials.parse(out().strip());
        assertArrayEquals(Credentials.derive("my long password", d.salt(), 1000), d.key());
        assertEquals(1, run("short\n", "credential"));
        assertTrue(err().contains("at least 8 characters"), err());
        assertEquals(2, run("", "frobnicate"));
        assertTrue(err().contains("unknown command 'frobnicate'") && err().contains("usage: ntmgate keygen"), err());
    }
}
