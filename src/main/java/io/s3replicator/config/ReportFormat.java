package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import java.nio.file.Path;
import java.util.Locale;

/** How an object report is written: CSV with a header line, or one JSON object per line. */
public enum ReportFormat {
    CSV, JSONL;

    /**
     * The format a report file is written in: the one named, else its extension's ({@code .csv};
     * {@code .jsonl}, {@code .ndjson} or {@code .json} for JSON lines).
     *
     * @param field    what a bad value is reported against ({@code --report}, {@code pair.report})
     * @param named    {@code csv} or {@code jsonl}, or null to go by the extension
     */
    public static ReportFormat of(String field, Path file, String named) {
        if (named != null && !named.isBlank()) {
            return switch (named.strip().toLowerCase(Locale.ROOT)) {
                case "csv" -> CSV;
                case "jsonl", "json", "ndjson" -> JSONL;
                default -> throw new ConfigException(field, "format '" + named + "' is neither csv nor jsonl");
            };
        }
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSONL;
        }
        throw new ConfigException(field, file + ": name the format with a .csv or .jsonl file name");
    }
}
