package org.ntmgate.pages.impl;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.spi.SecurityProvider;

/** The console's own login in front of the JSON API and {@code /metrics}: the Web Console's security provider decides. */
final class Login {
    private Login() {
    }

    /**
     * True when the request carries the console's credentials; otherwise the provider has answered (401 with its
     * challenge), or, with no provider registered (the console bundle stopped), 503 is answered: never an open door.
     */
    static boolean passes(SecurityProvider provider, HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
        if (provider == null) {
            resp.setStatus(503);
            resp.setContentType("text/plain");
            resp.getWriter().write("the console's login is not running (bundle org.ntmgate.console): nothing is served without it\n");
            return false;
        }
        Object user = provider.authenticate(req, resp);
        return user != null;
    }
}
