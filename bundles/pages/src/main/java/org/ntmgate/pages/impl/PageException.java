package org.ntmgate.pages.impl;

import org.ntmgate.api.config.InvalidConfigurationException;

/** A refused request: HTTP status, the field at fault (null when none) and a message for people. */
final class PageException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int status;
    private final String field;

    PageException(int status, String field, String message) {
        super(message);
        this.status = status;
        this.field = field;
    }

    /**
     * A configuration the PID's owner refused: 400, its field, and its message without the PID and the field's name
     * in front (the page shows it next to the field; the API names the field beside it).
     */
    static PageException refused(InvalidConfigurationException e) {
        String m = e.getMessage();
        String lead = e.pid() + ": '" + e.field() + "' ";
        return new PageException(400, e.field(), m.startsWith(lead) ? m.substring(lead.length()) : m);
    }

    static PageException badRequest(String field, String message) {
        return new PageException(400, field, message);
    }

    int status() {
        return status;
    }

    String field() {
        return field;
    }
}
