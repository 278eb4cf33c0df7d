package org.ntmgate.pages.impl;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.apache.felix.webconsole.spi.SecurityProvider;

/**
 * The JSON API, {@code /ntmgate/api/v1/...}, for automation: {@code GET /ntmgate/api/v1} lists the pages;
 * {@code GET /ntmgate/api/v1/<page>} is the page's read (its query parameters as the page's); {@code POST
 * /ntmgate/api/v1/<page>/<action>} its action, with a form or a JSON object as body. The same data, checks and
 * messages as the console's pages, behind the console's own login (its {@link SecurityProvider}): no login, no
 * answer but 401. Documented in docs/api.md.
 */
final class ApiServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String PATH = "/ntmgate/api/v1";
    private final transient Function<String, Page> pages;
    private final transient Supplier<Map<String, String>> index;
    private final transient Supplier<SecurityProvider> login;

    ApiServlet(Function<String, Page> pages, Supplier<Map<String, String>> index, Supplier<SecurityProvider> login) {
        this.pages = pages;
        this.index = index;
        this.login = login;
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException, jakarta.servlet.ServletException {
        if (!Login.passes(login.get(), req, resp)) {
            return;
        }
        super.service(req, resp);
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] path = path(req);
        if (path.length == 0) {
            var b = Json.object();
            index.get().forEach((name, title) -> b.add(name, Json.of("title", title, "path", PATH + "/" + name)));
            Http.json(resp, 200, Json.of("version", 1, "pages", b).build());
            return;
        }
        Page page = path.length == 1 ? pages.apply(path[0]) : null;
        if (page == null) {
            notFound(resp, req);
            return;
        }
        Http.answer(req, resp, page, null);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String[] path = path(req);
        Page page = path.length == 2 ? pages.apply(path[0]) : null;
        if (page == null) {
            notFound(resp, req);
            return;
        }
        Http.answer(req, resp, page, path[1]);
    }

    private static String[] path(HttpServletRequest req) {
        String p = req.getPathInfo();
        if (p == null || p.equals("/")) {
            return new String[0];
        }
        return p.replaceAll("^/+|/+$", "").split("/+");
    }

    private static void notFound(HttpServletResponse resp, HttpServletRequest req) throws IOException {
        Http.json(resp, 404, Json.of("error", "no such API path: " + req.getMethod() + " " + req.getRequestURI() + " (GET " + PATH + " lists the pages)", "field", null)
                .build());
    }
}
