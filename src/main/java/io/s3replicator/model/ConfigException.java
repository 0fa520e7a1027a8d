package io.s3replicator.model;

/**
 * A configuration or command-line value that cannot be used. The message is one line that
 * names the field, so the CLI can print it as is and exit without a stack trace.
 */
public class ConfigException extends RuntimeException {
    private final String field;
    private final String problem;

    public ConfigException(String field, String problem) {
        this(field, problem, null);
    }

    public ConfigException(String field, String problem, Throwable cause) {
        super(field + ": " + withoutField(field, problem), cause);
        this.field = field;
        this.problem = withoutField(field, problem);
    }

    /** A problem that already names the field ("source: no credentials found") names it once. */
    private static String withoutField(String field, String problem) {
        return problem.startsWith(field + ": ") ? problem.substring(field.length() + 2) : problem;
    }

    public String field() {
        return field;
    }

    /** The message without the field. */
    public String problem() {
        return problem;
    }
}
