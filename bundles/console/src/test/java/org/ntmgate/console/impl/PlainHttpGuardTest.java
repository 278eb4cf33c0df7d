package org.ntmgate.console.impl;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PlainHttpGuardTest {
    @Test
    void theRedirectKeepsTheNameThePathAndTheQueryAndBracketsAnIpv6Literal() {
        assertEquals("https://gw.example.net:8443/system/console/ntmgate-overview?x=1",
                PlainHttpGuard.secureLocation("gw.example.net", 8443, "/system/console/ntmgate-overview", "x=1"));
        assertEquals("https://[2001:db8::1]:8443/metrics", PlainHttpGuard.secureLocation("2001:db8::1", 8443, "/metrics", null));
        assertEquals("https://[2001:db8::1]/metrics", PlainHttpGuard.secureLocation("[2001:db8::1]", 443, "/metrics", null));
    }
}
