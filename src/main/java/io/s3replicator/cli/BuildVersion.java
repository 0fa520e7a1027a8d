package io.s3replicator.cli;

import picocli.CommandLine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git commit this jar was built from, as the build wrote them into
 * {@code io/s3replicator/build.properties}; "unknown" where the build had no git checkout.
 */
public final class BuildVersion implements CommandLine.IVersionProvider {
    private static final Properties BUILD = read();

    @Override
    public String[] getVersion() {
        return new String[] {line()};
    }

    /** {@code s3-replicator 0.1.0 (commit 1a2b3c4)}. */
    public static String line() {
        return "s3-replicator " + value("version") + " (commit " + value("commit") + ")";
    }

    static String value(String name) {
        String value = BUILD.getProperty(name, "").strip();
        // An unfiltered build (an IDE) or no git checkout leaves the placeholder itself.
        return value.isEmpty() || value.contains("${") ? "unknown" : value;
    }

    private static Properties read() {
        Properties properties = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("/io/s3replicator/build.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            // the version is "unknown"
        }
        return properties;
    }
}
