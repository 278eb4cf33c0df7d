package org.ntmgate.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.junit.jupiter.api.Test;

/** The console's HTTP Basic check, and its memory of the credentials that last passed the full check. */
class BasicLoginTest {

    private static String header(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static ConsoleCredentials.Login login(String password) {
        return new ConsoleCredentials.Login("admin", ConsolePasswordHash.hash(password, "00ff", 50));
    }

    /** A provider whose stored login is admin with {@code password}. */
    private static ConsoleSecurity.Basic basicFor(String password) {
        ConsoleSecurity.Basic basic = new ConsoleSecurity.Basic();
        basic.login = login(password);
        return basic;
    }

    @Test
    void theRightCredentialsPassTheFullCheckOnceThenOnTheirKeyedDigest() {
        ConsoleSecurity.Basic basic = basicFor("s3cret");
        assertEquals("admin", basic.check(header("admin", "s3cret")));
        assertEquals("admin", basic.check(header("admin", "s3cret")));
        assertEquals("admin", basic.check(" basic  " + header("admin", "s3cret").substring(6)));
        assertEquals(1, basic.fullChecks.get());
    }

    @Test
    void wrongCredentialsAreNeverAcceptedAndAlwaysTakeTheFullCheck() {
        ConsoleSecurity.Basic basic = basicFor("s3cret");
        assertEquals("admin", basic.check(header("admin", "s3cret")));
        assertNull(basic.check(header("admin", "s3cret2")));
        assertNull(basic.check(header("admin", "")));
        assertNull(basic.check(header("root", "s3cret")));
        assertNull(basic.check(header("admin", "s3cret2")));
        assertEquals(5, basic.fullChecks.get());
        // the remembered credentials still pass after the wrong ones
        assertEquals("admin", basic.check(header("admin", "s3cret")));
        assertEquals(5, basic.fullChecks.get());
    }

    @Test
    void aNewLoginForgetsTheRememberedCredentials() {
        ConsoleSecurity.Basic basic = basicFor("old-one");
        assertEquals("admin", basic.check(header("admin", "old-one")));
        basic.login = login("new-one");
        assertNull(basic.check(header("admin", "old-one")));
        assertEquals("admin", basic.check(header("admin", "new-one")));
        assertEquals(3, basic.fullChecks.get());
    }

    @Test
    void aGeneratedPasswordIsRememberedFromTheStart() {
        ConsoleSecurity.Basic basic = new ConsoleSecurity.Basic();
        ConsoleCredentials.Login l = login("generated");
        basic.remember(l, "generated");
        basic.login = l;
        assertEquals("admin", basic.check(header("admin", "generated")));
        assertEquals(0, basic.fullChecks.get());
        assertNull(basic.check(header("admin", "other")));
        assertEquals(1, basic.fullChecks.get());
    }

    @Test
    void malformedHeadersAreRefusedWithoutACheck() {
        ConsoleSecurity.Basic basic = basicFor("s3cret");
        assertNull(basic.check(null));
        assertNull(basic.check("Bearer abc"));
        assertNull(basic.check("Basic"));
        assertNull(basic.check("Basic !!!notbase64"));
        assertNull(basic.check("Basic " + Base64.getEncoder().encodeToString("no-colon".getBytes(StandardCharsets.UTF_8))));
        assertEquals(0, basic.fullChecks.get());
    }
}
