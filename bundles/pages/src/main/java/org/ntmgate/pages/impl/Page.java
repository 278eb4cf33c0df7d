package org.ntmgate.pages.impl;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.json.JsonObject;

/**
 * One concern of the console: a page in the Web Console's "ntmgate" category ({@code /system/console/ntmgate-<name>},
 * its data at {@code ntmgate-<name>.json}) and the same reads and writes in the JSON API
 * ({@code /ntmgate/api/v1/<name>}). A page holds no state: it reads the roles' services at every request and
 * writes through ConfigAdmin or the roles' services.
 */
interface Page {
    /** A page's name in URLs ("pools") and its title in the console's menu ("Pools"), on the page's class. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Info {
        String name();

        String title();
    }

    /** The page's name in URLs: "pools". */
    default String name() {
        return getClass().getAnnotation(Info.class).name();
    }

    /** Its title in the console's menu: "Pools". */
    default String title() {
        return getClass().getAnnotation(Info.class).title();
    }

    /** What the page shows now. */
    JsonObject read(Query query);

    /**
     * Does {@code action} ("save", "remove"...) and says what happened; refuses with a {@link PageException}
     * (naming the field where one is at fault) and then changes nothing.
     */
    default JsonObject act(String action, Query query) {
        throw new PageException(404, null, "the " + name() + " page has no action '" + action + "'");
    }
}
