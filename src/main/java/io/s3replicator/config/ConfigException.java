package io.s3replicator.config;

/**
 * A configuration or command-line value that cannot be used. The message is one line that
 * names the field, so the CLI can print it as is and exit without a stack trace.
 */
public class ConfigException extends RuntimeException {
    private final String field;

    public ConfigException(String field, String problem) {
        super(field + ": " + problem);
        this.field = field;
    }

    public ConfigException(String field, String problem, Throwable cause) {
        super(field + ": " + problem, cause);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
