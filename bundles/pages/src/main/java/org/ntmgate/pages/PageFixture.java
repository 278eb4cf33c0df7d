package org.ntmgate.pages;

import java.util.function.Supplier;

import org.ntmgate.pages.impl.Fixture;

/**
 * A console page outside a framework: what {@code GET /ntmgate/api/v1/<page>} answers (the page's read and its JSON
 * text), made from the services given instead of the ones a framework would inject. Services are matched by type
 * ({@code ConfigurationAdmin}, {@code TranslationTable}, {@code VirtualAddressPools}, {@code RelayPolicy},
 * {@code NodeRegistry}, {@code RelayTunnels}, {@code NodeAccounts}, {@code TeredoClientView}, {@code RoleStatus}...);
 * a page whose service is not given shows it as not running, as in a gateway without that role.
 */
public final class PageFixture {
    private PageFixture() {
    }

    /**
     * Reads page {@code page} ("overview", "pools", "policy", "nodes", "table", "teredo", "accounts") at each call.
     *
     * @throws IllegalArgumentException when no page has that name
     */
    public static Supplier<String> reader(String page, Object... services) {
        return Fixture.reader(page, services);
    }
}
