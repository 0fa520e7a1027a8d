package io.s3replicator.record;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.s3replicator.model.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an {@link ObjectReport} back ({@code sync --from-report}): the source keys whose last line
 * says {@code TaskStatus=failed}. CSV or JSON lines, whichever the file holds.
 *
 * @param bucket the source bucket the report names (one per report)
 * @param keys   failed source keys, each once, in the order of their first line
 */
public record FailedKeys(String bucket, List<String> keys) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static FailedKeys read(String field, Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ConfigException(field, file + " cannot be read: " + e.getMessage());
        }
        List<List<String>> rows = text.startsWith("{") ? jsonRows(field, file, text) : csvRows(field, file, text);
        // A key's last line decides: a run pair's report (appended to) may show it failed, then copied.
        Map<String, List<String>> last = new LinkedHashMap<>();
        int key = ObjectReport.COLUMNS.indexOf("Key");
        for (List<String> row : rows) {
            last.put(row.get(key), row);
        }
        Set<String> buckets = new LinkedHashSet<>();
        Set<String> keys = new LinkedHashSet<>();
        int bucket = ObjectReport.COLUMNS.indexOf("Bucket");
        int status = ObjectReport.COLUMNS.indexOf("TaskStatus");
        for (List<String> row : last.values()) {
            if ("failed".equals(row.get(status))) {
                buckets.add(row.get(bucket));
                keys.add(row.get(key));
            }
        }
        if (buckets.size() > 1) {
            throw new ConfigException(field, file + " names failed objects of several buckets: " + buckets);
        }
        return new FailedKeys(buckets.isEmpty() ? null : buckets.iterator().next(), List.copyOf(keys));
    }

    private static List<List<String>> jsonRows(String field, Path file, String text) {
        List<List<String>> rows = new ArrayList<>();
        int n = 0;
        for (String line : text.split("\n")) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode node = JSON.readTree(line);
                List<String> row = new ArrayList<>();
                for (String column : ObjectReport.COLUMNS) {
                    JsonNode v = node.get(column);
                    row.add(v == null || v.isNull() ? "" : v.asText());
                }
                rows.add(row);
            } catch (IOException e) {
                throw new ConfigException(field, file + " line " + n + " is not a JSON report line");
            }
        }
        return rows;
    }

    /** RFC 4180, quoted fields may hold commas, quotes and line breaks; the header must be the report's. */
    private static List<List<String>> csvRows(String field, Path file, String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    value.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    value.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(value.toString());
                value.setLength(0);
            } else if (c == '\n') {
                row.add(value.toString());
                value.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
            } else if (c != '\r') {
                value.append(c);
            }
        }
        if (value.length() > 0 || !row.isEmpty()) {
            row.add(value.toString());
            rows.add(row);
        }
        if (rows.isEmpty() || !rows.get(0).equals(ObjectReport.COLUMNS)) {
            throw new ConfigException(field, file + " is not a report of s3-replicator (its first line is not "
                    + String.join(",", ObjectReport.COLUMNS) + ")");
        }
        for (int r = 1; r < rows.size(); r++) {
            if (rows.get(r).size() != ObjectReport.COLUMNS.size()) {
                throw new ConfigException(field, file + " row " + (r + 1) + " has " + rows.get(r).size()
                        + " fields, not " + ObjectReport.COLUMNS.size());
            }
        }
        return rows.subList(1, rows.size());
    }
}
