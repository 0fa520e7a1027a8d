package io.s3replicator.config;

import io.s3replicator.model.ConfigException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Include / exclude globs, matched against the key relative to the pair's source prefix.
 *
 * <p>A key passes when it matches at least one include (or there are none) and no exclude.
 * Glob syntax, as in rclone: {@code *} matches within one path segment, {@code **} across
 * segments, {@code ?} one character other than '/', {@code [...]} a character class, and
 * {@code \} escapes. A pattern starting with '/' is anchored at the prefix; otherwise it
 * matches the whole key or any tail of it that starts after a '/', so {@code *.log}
 * matches {@code a/b/c.log}.
 */
public final class KeyFilter {
    public static final KeyFilter ALL = new KeyFilter(List.of(), List.of());

    private final List<Pattern> includes;
    private final List<Pattern> excludes;
    private final List<String> includeGlobs;
    private final List<String> excludeGlobs;

    private KeyFilter(List<String> includeGlobs, List<String> excludeGlobs) {
        this.includeGlobs = List.copyOf(includeGlobs);
        this.excludeGlobs = List.copyOf(excludeGlobs);
        this.includes = compileAll("include", includeGlobs);
        this.excludes = compileAll("exclude", excludeGlobs);
    }

    public static KeyFilter of(List<String> includeGlobs, List<String> excludeGlobs) {
        return new KeyFilter(clean(includeGlobs), clean(excludeGlobs));
    }

    public boolean accepts(String relativeKey) {
        if (!includes.isEmpty() && includes.stream().noneMatch(p -> p.matcher(relativeKey).matches())) {
            return false;
        }
        return excludes.stream().noneMatch(p -> p.matcher(relativeKey).matches());
    }

    public List<String> includeGlobs() {
        return includeGlobs;
    }

    public List<String> excludeGlobs() {
        return excludeGlobs;
    }

    private static List<String> clean(List<String> globs) {
        List<String> out = new ArrayList<>();
        if (globs != null) {
            for (String g : globs) {
                if (g != null && !g.isBlank()) {
                    out.add(g.strip());
                }
            }
        }
        return out;
    }

    private static List<Pattern> compileAll(String field, List<String> globs) {
        List<Pattern> out = new ArrayList<>();
        for (String glob : globs) {
            out.add(compile(field, glob));
        }
        return out;
    }

    static Pattern compile(String field, String glob) {
        boolean anchored = glob.startsWith("/");
        String body = anchored ? glob.substring(1) : glob;
        StringBuilder re = new StringBuilder(anchored ? "" : "(?:.*/)?");
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < body.length() && body.charAt(i + 1) == '*') {
                        re.append(".*");
                        i++;
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '\\' -> {
                    if (i + 1 >= body.length()) {
                        throw new ConfigException(field, "glob '" + glob + "' ends with a lone backslash");
                    }
                    re.append(Pattern.quote(String.valueOf(body.charAt(++i))));
                }
                case '[' -> {
                    int end = body.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new ConfigException(field, "glob '" + glob + "' has an unclosed '['");
                    }
                    String cls = body.substring(i + 1, end);
                    if (cls.startsWith("!")) {
                        cls = "^" + cls.substring(1);
                    }
                    re.append('[').append(cls.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = end;
                }
                default -> re.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
