package org.ntmgate.pages.impl;

import java.util.Map;

/**
 * A request's parameters (a query string, a form, or a JSON object's members), read by name. Numbers that do not
 * parse are refused naming the parameter.
 */
final class Query {
    private final Map<String, String> values;

    Query(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    static Query of(Map<String, String> values) {
        return new Query(values);
    }

    /** The parameter, trimmed; null when absent. */
    String get(String name) {
        String v = values.get(name);
        return v == null ? null : v.trim();
    }

    /** The parameter, refused when absent or empty. */
    String required(String name) {
        String v = get(name);
        if (v == null || v.isEmpty()) {
            throw PageException.badRequest(name, "is required");
        }
        return v;
    }

    String get(String name, String fallback) {
        String v = get(name);
        return v == null || v.isEmpty() ? fallback : v;
    }

    int number(String name, int fallback, int least, int most) {
        String v = get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n >= least && n <= most) {
                return n;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw PageException.badRequest(name, "must be a whole number from " + least + " to " + most + ", not '" + v + "'");
    }

    /** What the page's search field holds ({@code q}), in lower case; "" when empty. */
    String search() {
        return get("q", "").toLowerCase(java.util.Locale.ROOT);
    }

    /** The page's {@code offset} (0 when not given). */
    int offset() {
        return number("offset", 0, 0, Integer.MAX_VALUE);
    }

    /** The page's {@code limit}: {@code fallback} when not given, at most 1000. */
    int limit(int fallback) {
        return number("limit", fallback, 1, 1000);
    }

    boolean has(String name) {
        String v = get(name);
        return v != null && !v.isEmpty();
    }
}
