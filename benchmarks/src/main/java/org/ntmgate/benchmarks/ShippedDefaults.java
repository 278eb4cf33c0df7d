package org.ntmgate.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

/**
 * The configurations a gateway starts with: the defaults bundle's {@code OSGI-INF/configurator/ntmgate.json}, read
 * from the class path as the Configurator reads it (a property {@code name:Integer} or {@code name:Long} typed so,
 * arrays as string arrays), so that a benchmark runs on what ships instead of a copy of it.
 */
public final class ShippedDefaults {
    static final String RESOURCE = "OSGI-INF/configurator/ntmgate.json";

    private ShippedDefaults() {
    }

    /** PID (factory PIDs as {@code factory~name}) to properties, in the file's order. */
    public static Map<String, Map<String, Object>> configurations() {
        try (InputStream in = ShippedDefaults.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path: the benchmarks need the org.ntmgate.defaults bundle");
            }
            JsonObject file = Json.createReader(in).readObject();
            Map<String, Map<String, Object>> out = new LinkedHashMap<>();
            file.forEach((pid, value) -> {
                if (!pid.startsWith(":")) {
                    Map<String, Object> props = new LinkedHashMap<>();
                    value.asJsonObject().forEach((key, v) -> {
                        int colon = key.indexOf(':');
                        props.put(colon < 0 ? key : key.substring(0, colon), value(v, colon < 0 ? "" : key.substring(colon + 1)));
                    });
                    out.put(pid, props);
                }
            });
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The properties of one PID. */
    public static Map<String, Object> configuration(String pid) {
        Map<String, Object> c = configurations().get(pid);
        if (c == null) {
            throw new IllegalArgumentException("the shipped defaults configure no " + pid);
        }
        return c;
    }

    private static Object value(JsonValue v, String type) {
        return switch (v.getValueType()) {
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> switch (type) {
                case "Integer" -> ((JsonNumber) v).intValueExact();
                case "Double" -> ((JsonNumber) v).doubleValue();
                default -> ((JsonNumber) v).longValueExact();
            };
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case ARRAY -> ((JsonArray) v).stream().map(e -> e instanceof JsonString s ? s.getString() : e.toString()).toArray(String[]::new);
            default -> throw new IllegalArgumentException("unsupported value in " + RESOURCE + ": " + v);
        };
    }
}
