package org.ntmgate.wire;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.IntPredicate;

/**
 * The names of a class's {@code public static final int} constants, read once from the constants themselves, so a
 * code is stated in one place (as dnsjava's {@code Mnemonic} does for DNS types, without a second list of names).
 */
final class Mnemonics {
    private final Map<Integer, String> names = new HashMap<>();
    private final IntFunction<String> unknown;

    /** The constants of {@code owner} whose value {@code include} accepts; {@code unknown} names any other value. */
    Mnemonics(Class<?> owner, IntPredicate include, IntFunction<String> unknown) {
        this.unknown = unknown;
        for (Field f : owner.getDeclaredFields()) {
            int m = f.getModifiers();
            if (f.getType() == int.class && Modifier.isPublic(m) && Modifier.isStatic(m) && Modifier.isFinal(m)) {
                try {
                    int v = f.getInt(null);
                    if (include.test(v)) {
                        names.putIfAbsent(v, f.getName());
                    }
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    String name(int value) {
        String n = names.get(value);
        return n != null ? n : unknown.apply(value);
    }
}
