package org.ntmgate.as.impl;

import org.ntmgate.provision.Credentials;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The account file's times and the revocations a change makes (protocol.md 4.7). */
class AccountBookTest {
    private static final int ITERATIONS = 1000;
    @TempDir
    Path dir;
    private final AtomicLong now = new AtomicLong(1_800_000_000_000L);
    private final List<String> revoked = new ArrayList<>();

    private AccountBook book() {
        return new AccountBook(dir.resolve("accounts.txt"), a -> revoked.add(a.fqdn()), now::get);
    }

    @Test
    void removingDisablingAndANewKeyRevokeTheSameConfigurationDoesNot() throws Exception {
        AccountBook b = book();
        b.put("a.example", "password one", ITERATIONS);
        b.put("b.example", "password one", ITERATIONS);
        Credentials.Derived d = Credentials.parse(Credentials.of("password two", ITERATIONS));
        b.putDerived("c.example", d, true);
        assertEquals(List.of(), revoked, "new accounts revoke nothing");
        b.putDerived("c.example", d, true);
        assertEquals(List.of(), revoked, "the same configuration again (a restart) revokes nothing");
        b.put("a.example", "password two", ITERATIONS);
        b.enable("b.example", false);
        b.enable("b.example", false);
        b.remove("c.example");
        assertEquals(List.of("a.example", "b.example", "c.example"), revoked, "a new key, disabling once, removal");
        b.enable("b.example", true);
        b.remove("b.example");
        assertEquals(List.of("a.example", "b.example", "c.example", "b.example"), revoked);
    }

    @Test
    void createdAndLastLoginSurviveARestartAndLoginsAreWrittenAtMostOnceAMinute() throws Exception {
        AccountBook b = book();
        b.put("a.example", "password one", ITERATIONS);
        long created = now.get() / 1000;
        now.addAndGet(10_000);
        b.loggedIn("a.example");
        AccountBook reread = book();
        reread.load();
        assertEquals(0, reread.find("a.example").orElseThrow().lastLogin(), "ten seconds after a write the login waits in memory");
        assertEquals(now.get() / 1000, b.find("a.example").orElseThrow().lastLogin());
        b.flush();
        reread.load();
        assertEquals(created, reread.find("a.example").orElseThrow().created());
        assertEquals(now.get() / 1000, reread.find("a.example").orElseThrow().lastLogin(), "written at shutdown");
        now.addAndGet(AccountBook.LOGIN_WRITE_MILLIS);
        b.loggedIn("a.example");
        reread.load();
        assertEquals(now.get() / 1000, reread.find("a.example").orElseThrow().lastLogin(), "a minute after the last write: at once");
    }

    @Test
    void aVersionOneFileIsReadAndWrittenBackAsVersionTwo() throws Exception {
        String key = "00".repeat(32);
        Files.writeString(dir.resolve("accounts.txt"), "ntmgate-accounts 1\nold.example 1a2b " + "11".repeat(16) + " 210000 " + key + " true\nend 1\n");
        AccountBook b = book();
        b.load();
        Account a = b.find("old.example").orElseThrow();
        assertEquals(0x1a2b, a.nodeId());
        assertEquals(0, a.created(), "not known");
        b.enable("old.example", true);
        assertTrue(Files.readString(dir.resolve("accounts.txt")).startsWith("ntmgate-accounts 2\nold.example 1a2b "), Files.readString(dir.resolve("accounts.txt")));
        AccountBook again = book();
        again.load();
        assertEquals(0x1a2b, again.find("old.example").orElseThrow().nodeId());
    }
}
