package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The ignore list of 3GSync: patterns matched against {@code bucket/key} of a source object,
 * where {@code *} matches any run of characters (slashes included) and {@code ?} exactly one.
 * Everything else is literal. {@code logs-bucket/tmp/*} ignores one folder of one bucket,
 * {@code *.tmp} every temporary file of every bucket, {@code *\/_SUCCESS} every marker file.
 *
 * <p>Patterns come from a pair parameter (comma-separated) and/or a file (one per line, blank
 * lines and lines starting with {@code #} skipped).
 */
public final class IgnoreList {
    public static final IgnoreList NONE = new IgnoreList(List.of());

    private final List<String> patterns;
    private final List<Pattern> compiled;

    private IgnoreList(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        this.compiled = patterns.stream().map(IgnoreList::compile).toList();
    }

    public static IgnoreList of(List<String> patterns) {
        List<String> clean = new ArrayList<>();
        for (String p : patterns) {
            if (p != null && !p.isBlank()) {
                clean.add(p.strip());
            }
        }
        return clean.isEmpty() ? NONE : new IgnoreList(clean);
    }

    /** Comma-separated patterns from a parameter, plus the lines of {@code file} when not blank. */
    public static IgnoreList parse(String field, String commaSeparated, String fileField, String file) {
        List<String> all = new ArrayList<>();
        if (commaSeparated != null && !commaSeparated.isBlank()) {
            all.addAll(List.of(commaSeparated.split(",")));
        }
        if (file != null && !file.isBlank()) {
            try {
                for (String line : Files.readAllLines(Path.of(file.strip()), StandardCharsets.UTF_8)) {
                    if (!line.isBlank() && !line.strip().startsWith("#")) {
                        all.add(line.strip());
                    }
                }
            } catch (IOException | RuntimeException e) {
                throw new ConfigException(fileField, "cannot read ignore list '" + file + "': " + e.getMessage());
            }
        }
        for (String p : all) {
            if (!p.isBlank() && !p.strip().contains("/") && !p.strip().startsWith("*")) {
                throw new ConfigException(field, "'" + p.strip() + "' is not a bucket/key pattern"
                        + " (e.g. my-bucket/tmp/*, */_SUCCESS or *.tmp)");
            }
        }
        return of(all);
    }

    /** True when {@code bucket/key} matches a pattern. */
    public boolean ignores(String bucket, String key) {
        if (compiled.isEmpty()) {
            return false;
        }
        String path = bucket + "/" + key;
        for (Pattern p : compiled) {
            if (p.matcher(path).matches()) {
                return true;
            }
        }
        return false;
    }

    public List<String> patterns() {
        return patterns;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    private static Pattern compile(String glob) {
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < glob.length(); i++) {
            char c = glob.charAt(i);
            switch (c) {
                case '*' -> re.append(".*");
                case '?' -> re.append('.');
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IgnoreList other && other.patterns.equals(patterns);
    }

    @Override
    public int hashCode() {
        return patterns.hashCode();
    }

    @Override
    public String toString() {
        return patterns.toString();
    }
}
