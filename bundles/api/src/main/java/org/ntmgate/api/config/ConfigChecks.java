package org.ntmgate.api.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.osgi.util.converter.Converters;

/** Checks shared by the roles' configurations; each failure is an {@link InvalidConfigurationException} naming the field. */
public final class ConfigChecks {
    private ConfigChecks() {
    }

    /** A numeric IPv4 or IPv6 address and a UDP port (0..65535; 0 picks a free one). No name is ever looked up. */
    public static InetSocketAddress bindAddress(String pid, String addressField, String address, String portField, int port) {
        String a = address == null ? "" : address.trim();
        InetAddress ip;
        try {
            if (!a.matches("[0-9a-fA-F:.]+")) {
                throw new UnknownHostException(a);
            }
            ip = InetAddress.getByName(a);
        } catch (UnknownHostException e) {
            throw new InvalidConfigurationException(pid, addressField, "must be a numeric IPv4 or IPv6 address, not '" + address + "'");
        }
        range(pid, portField, port, PORT_MIN, PORT_MAX);
        return new InetSocketAddress(ip, port);
    }

    /** A Linux interface name (1-15 letters, digits, _ . -), trimmed. */
    public static String interfaceName(String pid, String field, String name) {
        String n = name == null ? "" : name.trim();
        if (!n.matches("[A-Za-z0-9_.-]{1,15}")) {
            throw new InvalidConfigurationException(pid, field, "'" + name + "' is not an interface name (1-15 letters, digits, _ . -)");
        }
        return n;
    }

    /**
     * Entry {@code i} (from 0) of list field {@code field}, split into its {@code n} words; refused, naming the entry
     * and {@code form} ("'<key id> <64 hex digits>'"), when it has another number of words.
     */
    public static String[] words(String pid, String field, int i, String entry, int n, String form) {
        String[] w = entry == null || entry.isBlank() ? new String[0] : entry.trim().split("\\s+");
        if (w.length != n) {
            throw new InvalidConfigurationException(pid, field, "entry " + (i + 1) + " ('" + entry + "') is not " + form);
        }
        return w;
    }

    /**
     * A key id in entry {@code i} of list field {@code field}: an unsigned 32-bit number, not 0 (protocol.md 5: 0 is
     * the keyless LOGIN_REQUEST's), and not in {@code used} (ids name keys on the wire), to which it is added.
     */
    public static int keyId(String pid, String field, int i, String text, Set<Integer> used) {
        int id;
        try {
            id = Integer.parseUnsignedInt(text);
        } catch (NumberFormatException e) {
            throw new InvalidConfigurationException(pid, field, "entry " + (i + 1) + ": key id '" + text + "' is not a number");
        }
        if (id == 0 || !used.add(id)) {
            throw new InvalidConfigurationException(pid, field, "entry " + (i + 1) + ": key id " + text
                    + (id == 0 ? " must not be 0" : " is already used by another key here (ids name keys on the wire)"));
        }
        return id;
    }

    /** A key of {@code bytes} bytes given as hexadecimal digits. */
    public static byte[] hexKey(String pid, String field, String hex, int bytes) {
        try {
            byte[] k = HexFormat.of().parseHex(hex == null ? "" : hex.trim());
            if (k.length == bytes) {
                return k;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new InvalidConfigurationException(pid, field, "must be " + bytes * 2 + " hexadecimal digits (" + bytes + " bytes)");
    }

    /** A whole number within [min, max]. */
    public static long range(String pid, String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw new InvalidConfigurationException(pid, field, (max == Long.MAX_VALUE ? "must be at least " + min : "must be " + min + ".." + max)
                    + ", not " + value);
        }
        return value;
    }

    /**
     * {@code value} within the bounds its Metatype attribute states, given as the same constants the attribute's
     * {@code min} and {@code max} use (so each bound is written once); null: no bound on that side.
     */
    public static long range(String pid, String field, long value, String min, String max) {
        return range(pid, field, value, min == null ? Long.MIN_VALUE : Long.parseLong(min), max == null ? Long.MAX_VALUE : Long.parseLong(max));
    }

    /** The bounds of a UDP port attribute ({@code port}): 0 picks a free one. */
    public static final String PORT_MIN = "0";
    public static final String PORT_MAX = "65535";

    /**
     * The configuration type {@code type} (a Metatype annotation interface) over stored {@code properties}, every
     * field read once so that a value of the wrong type ({@code capacity=banana}) is refused here, in one line
     * naming the field, like a value out of range, rather than as a conversion failure when the component
     * activates. Property names follow Declarative Services' mapping of method names ({@code _} is {@code .}).
     */
    public static <T> T typed(String pid, Map<String, ?> properties, Class<T> type) {
        T config = Converters.standardConverter().convert(properties).to(type);
        for (Method m : type.getDeclaredMethods()) {
            if (m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())) {
                continue;
            }
            try {
                m.setAccessible(true);
                m.invoke(config);
            } catch (InvocationTargetException e) {
                String key = propertyName(m.getName());
                throw new InvalidConfigurationException(pid, key, "must be " + describe(m.getReturnType()) + ", not " + show(properties.get(key)));
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("cannot read " + type.getName() + "." + m.getName(), e);
            }
        }
        return config;
    }

    /** Declarative Services' property name for an annotation method (OSGi Compendium 112.8.2.2). */
    static String propertyName(String method) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < method.length(); i++) {
            char c = method.charAt(i);
            if (c == '$') {
                if (method.startsWith("$_$", i)) {
                    sb.append('-');
                    i += 2;
                } else if (i + 1 < method.length() && method.charAt(i + 1) == '$') {
                    sb.append('$');
                    i++;
                }
            } else if (c == '_') {
                if (i + 1 < method.length() && method.charAt(i + 1) == '_') {
                    sb.append('_');
                    i++;
                } else {
                    sb.append('.');
                }
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String describe(Class<?> t) {
        if (t == long.class || t == int.class || t == short.class || t == byte.class) {
            return "a whole number";
        }
        if (t == double.class || t == float.class) {
            return "a number";
        }
        if (t == boolean.class) {
            return "true or false";
        }
        if (t.isEnum()) {
            return "one of " + Arrays.stream(t.getEnumConstants()).map(Object::toString).collect(Collectors.joining(", "));
        }
        if (t.isArray()) {
            return "a list of " + describe(t.getComponentType()) + " values";
        }
        return "a " + t.getSimpleName();
    }

    private static String show(Object value) {
        if (value instanceof Object[] a) {
            return Arrays.stream(a).map(v -> "'" + v + "'").collect(Collectors.joining(", ", "[", "]"));
        }
        return value == null ? "nothing" : "'" + value + "'";
    }
}
