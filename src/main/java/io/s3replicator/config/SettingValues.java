package io.s3replicator.config;

import io.s3replicator.model.ConfigException;
import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed reads of {@code s3replicator.*} properties (the built-in defaults, a properties file,
 * environment variables) for settings read outside a route: a bad value is a line naming the
 * property, never a quiet default.
 */
public final class SettingValues {
    private SettingValues() {
    }

    public static String get(PropertiesComponent p, String key, String defaultValue) {
        return p.resolveProperty(key).map(String::strip).orElse(defaultValue);
    }

    /** A typo such as "ture" is an error naming the property, not a quiet false. */
    public static boolean bool(PropertiesComponent p, String key) {
        String value = get(p, key, "");
        return !value.isEmpty() && S3Uri.bool(key, value);
    }

    public static int integer(PropertiesComponent p, String key, int defaultValue) {
        return (int) number(p, key, defaultValue);
    }

    public static long number(PropertiesComponent p, String key, long defaultValue) {
        String value = get(p, key, String.valueOf(defaultValue));
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new ConfigException(key, "'" + value + "' is not a whole number");
        }
    }
}
