package org.ntmgate.pages.impl;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Behind {@link org.ntmgate.pages.PageFixture}: every page made on a {@link Gateway} of the given services. */
public final class Fixture {
    private Fixture() {
    }

    public static Supplier<String> reader(String name, Object... services) {
        Gateway g = new Gateway(services);
        List<GatewayPage> pages = List.of(new OverviewPage(), new PoolsPage(), new PolicyPage(), new NodesPage(), new TablePage(), new TeredoPage(),
                new AccountsPage());
        Page page = pages.stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no console page named " + name)).on(g);
        Query query = Query.of(Map.of());
        return () -> page.read(query).toString();
    }
}
