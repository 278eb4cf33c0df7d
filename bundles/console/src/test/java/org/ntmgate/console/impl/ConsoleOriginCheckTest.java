package org.ntmgate.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class ConsoleOriginCheckTest {
    @Test
    void aWriteFromAnotherSiteIsRefusedAndEverythingElsePasses() {
        assertEquals("it comes from http://evil.example, not from 127.0.0.1:8080",
                ConsoleOriginCheck.crossSite("POST", "127.0.0.1:8080", "http://evil.example", null));
        assertEquals("the browser marks it Sec-Fetch-Site: cross-site", ConsoleOriginCheck.crossSite("POST", "127.0.0.1:8080", null, "cross-site"));
        assertEquals("the browser marks it Sec-Fetch-Site: same-site", ConsoleOriginCheck.crossSite("POST", "gw:8080", "http://gw:8080", "same-site"));
        assertEquals("it comes from null, not from gw:8080", ConsoleOriginCheck.crossSite("DELETE", "gw:8080", "null", null));
        assertEquals("it comes from http://127.0.0.1:9999, not from 127.0.0.1:8080",
                ConsoleOriginCheck.crossSite("POST", "127.0.0.1:8080", "http://127.0.0.1:9999", "same-origin"), "another port is another origin");
        assertNull(ConsoleOriginCheck.crossSite("POST", "127.0.0.1:8080", "http://127.0.0.1:8080", "same-origin"), "the console's own page");
        assertNull(ConsoleOriginCheck.crossSite("POST", "127.0.0.1:8080", null, null), "a client that is not a browser (curl, scripts)");
        assertNull(ConsoleOriginCheck.crossSite("GET", "127.0.0.1:8080", "http://evil.example", "cross-site"), "reads pass: they change nothing");
    }
}
