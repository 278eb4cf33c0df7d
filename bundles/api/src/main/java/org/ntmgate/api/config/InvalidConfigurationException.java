package org.ntmgate.api.config;

/** A configuration value that a component refuses; the message names the PID, the field and what is allowed. */
public class InvalidConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;
    private final String pid;
    private final String field;

    public InvalidConfigurationException(String pid, String field, String problem) {
        super(pid + ": '" + field + "' " + problem);
        this.pid = pid;
        this.field = field;
    }

    public String pid() {
        return pid;
    }

    public String field() {
        return field;
    }
}
