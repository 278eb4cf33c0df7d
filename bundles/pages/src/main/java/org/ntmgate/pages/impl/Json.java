package org.ntmgate.pages.impl;

import java.io.StringReader;
import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonBuilderFactory;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/** Jakarta JSON (Parsson, on the launcher's class path) with the few conversions the pages need. */
final class Json {
    private static final JsonProvider PROVIDER = JsonProvider.provider();
    private static final JsonBuilderFactory BUILDERS = PROVIDER.createBuilderFactory(Map.of());

    private Json() {
    }

    static JsonObjectBuilder object() {
        return BUILDERS.createObjectBuilder();
    }

    static JsonArrayBuilder array() {
        return BUILDERS.createArrayBuilder();
    }

    /** Adds {@code value} under {@code name}: null as JSON null, an Instant as ISO-8601 text, numbers and booleans as such, anything else as text. */
    static JsonObjectBuilder put(JsonObjectBuilder b, String name, Object value) {
        if (value == null) {
            return b.addNull(name);
        }
        if (value instanceof JsonValue v) {
            return b.add(name, v);
        }
        if (value instanceof JsonObjectBuilder v) {
            return b.add(name, v);
        }
        if (value instanceof JsonArrayBuilder v) {
            return b.add(name, v);
        }
        if (value instanceof Boolean v) {
            return b.add(name, v);
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short) {
            return b.add(name, ((Number) value).longValue());
        }
        if (value instanceof java.math.BigInteger v) {
            return b.add(name, v);
        }
        if (value instanceof Number v) {
            return b.add(name, v.doubleValue());
        }
        if (value instanceof Instant v) {
            return b.add(name, v.toString());
        }
        if (value instanceof Collection<?> c) {
            JsonArrayBuilder a = array();
            c.forEach(x -> a.add(x == null ? JsonValue.NULL : PROVIDER.createValue(String.valueOf(x))));
            return b.add(name, a);
        }
        return b.add(name, String.valueOf(value));
    }

    /** An object of name/value pairs given in turn: {@code of("a", 1, "b", "x")}. */
    static JsonObjectBuilder of(Object... pairs) {
        JsonObjectBuilder b = object();
        for (int i = 0; i < pairs.length; i += 2) {
            put(b, (String) pairs[i], pairs[i + 1]);
        }
        return b;
    }

    /** A map of counts as an object. */
    static JsonObjectBuilder counts(Map<String, Long> m) {
        JsonObjectBuilder b = object();
        m.forEach(b::add);
        return b;
    }

    /**
     * The members of a JSON object as text parameters (a list is joined by newlines, as the console's text areas
     * hold one entry per line); refused naming the problem when the body is not one JSON object.
     */
    static Map<String, String> parameters(String body) {
        JsonObject o;
        try (JsonReader r = PROVIDER.createReader(new StringReader(body))) {
            o = r.readObject();
        } catch (RuntimeException e) {
            throw PageException.badRequest(null, "the body is not a JSON object: " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        o.forEach((k, v) -> out.put(k, text(v)));
        return out;
    }

    private static String text(JsonValue v) {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NULL -> "";
            case ARRAY -> String.join("\n", v.asJsonArray().stream().map(Json::text).toList());
            default -> v.toString();
        };
    }
}
