package org.ntmgate.pages.impl;

import java.io.IOException;
import java.io.PrintWriter;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.owasp.encoder.Encode;

/**
 * One {@link Page} in the Web Console. GET {@code /system/console/ntmgate-<name>}: the page inside the console's
 * frame, an empty shell that the page's script fills from {@code ntmgate-<name>.json} every two seconds (so
 * nothing a node controls is ever written into HTML: the script sets text, never markup); GET of the
 * {@code .json}: the page's data; POST with {@code action}: the page's action. Scripts and styles are this bundle's
 * {@code /res/}, which the console serves under {@code ntmgate-<name>/res/}.
 */
final class PageServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;
    static final String CATEGORY = "ntmgate";
    private final transient Page page;

    PageServlet(Page page) {
        this.page = page;
    }

    static String label(Page page) {
        return "ntmgate-" + page.name();
    }

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (req.getRequestURI().endsWith(".json")) {
            Http.answer(req, resp, page, null);
            return;
        }
        Object root = req.getAttribute("felix.webconsole.appRoot");
        String base = Encode.forHtmlAttribute((root == null ? "/system/console" : root.toString()) + "/" + label(page));
        PrintWriter w = resp.getWriter();
        w.println("<link rel='stylesheet' href='" + base + "/res/ntmgate.css'>");
        w.println("<div id='ntm' class='ntm' data-page='" + Encode.forHtmlAttribute(page.name()) + "' data-base='" + base + "'>");
        w.println("<p class='ntm-status' id='ntm-status'>Loading " + Encode.forHtml(page.title()) + "...</p></div>");
        w.println("<script src='" + base + "/res/ntmgate.js'></script>");
        w.println("<script src='" + base + "/res/" + Encode.forHtmlAttribute(page.name()) + ".js'></script>");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String action = req.getParameter("action");
        if (action == null || action.isBlank()) {
            Http.json(resp, 400, Json.of("error", "no action given", "field", "action").build());
            return;
        }
        Http.answer(req, resp, page, action.trim());
    }
}
