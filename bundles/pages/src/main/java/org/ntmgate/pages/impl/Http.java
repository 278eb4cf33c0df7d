package org.ntmgate.pages.impl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the console's pages and the JSON API do alike with a request: its parameters, a page's answer, a refusal. */
final class Http {
    private static final Logger LOG = LoggerFactory.getLogger(Http.class);
    /** A request body larger than this is refused (a pool or policy edit is a few hundred bytes). */
    static final int MAX_BODY = 256 * 1024;

    private Http() {
    }

    /** The parameters of a request: the query string and form fields, or the members of a JSON body. */
    static Query query(HttpServletRequest req) throws IOException {
        Map<String, String> m = new LinkedHashMap<>();
        String type = req.getContentType();
        if (type != null && type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                throw new PageException(413, null, "the body is larger than " + MAX_BODY + " bytes");
            }
            m.putAll(Json.parameters(new String(body, StandardCharsets.UTF_8)));
        }
        req.getParameterMap().forEach((k, v) -> m.putIfAbsent(k, v.length == 0 ? "" : v[0]));
        return Query.of(m);
    }

    /** Runs {@code page}'s read or action and writes its answer: 200 with the JSON, or the refusal's status with {@code error} and {@code field}. */
    static void answer(HttpServletRequest req, HttpServletResponse resp, Page page, String action) throws IOException {
        JsonObject out;
        int status = 200;
        try {
            Query q = query(req);
            out = action == null ? page.read(q) : page.act(action, q);
            if (action != null) {
                LOG.info("Console: {} {} by {} from {}: {}", page.name(), action, req.getRemoteUser(), req.getRemoteAddr(), out.getString("done", "done"));
            }
        } catch (PageException e) {
            status = e.status();
            out = Json.of("error", e.getMessage(), "field", e.field()).build();
            if (action != null) {
                LOG.info("Console: {} {} refused{}: {}", page.name(), action, e.field() == null ? "" : " (field " + e.field() + ")", e.getMessage());
            }
        } catch (RuntimeException e) {
            LOG.error("Console: page {} failed", page.name(), e);
            status = 500;
            out = Json.of("error", "the " + page.name() + " page failed: " + e, "field", null).build();
        }
        json(resp, status, out);
    }

    static void json(HttpServletResponse resp, int status, JsonObject body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setCharacterEncoding("UTF-8");
        resp.setHeader("Cache-Control", "no-store");
        resp.setHeader("X-Content-Type-Options", "nosniff");
        byte[] b = (body.toString() + "\n").getBytes(StandardCharsets.UTF_8);
        resp.setContentLength(b.length);
        resp.getOutputStream().write(b);
    }
}
