package org.ntmgate.api.table;

/** A refused change to the translation table; the message says what was refused and why. */
public class TranslationTableException extends Exception {
    private static final long serialVersionUID = 1L;

    public TranslationTableException(String message) {
        super(message);
    }
}
