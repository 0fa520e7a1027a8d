package io.s3replicator.cli;

import io.s3replicator.model.ConfigException;
import io.s3replicator.wiring.ReplicatorConfiguration;
import org.apache.camel.main.Main;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/** The one Camel Main both commands run: the pipeline of {@link ReplicatorConfiguration}. */
public final class ReplicatorMain {
    private ReplicatorMain() {
    }

    /**
     * @param properties overrides of application.properties (CLI flags win over files)
     * @param propertiesFile an extra properties file, or null
     */
    public static Main create(Map<String, String> properties, String propertiesFile) {
        Main main = new Main();
        pipeline(main);
        main.setPropertyPlaceholderLocations("classpath:application.properties");
        if (propertiesFile != null) {
            // As overrides, not as a second location: a later location does not replace a key
            // the built-in file already sets (seen with camel.management.port).
            Properties file = load(propertiesFile);
            file.stringPropertyNames().forEach(k -> main.addOverrideProperty(k, file.getProperty(k).strip()));
        }
        properties.forEach(main::addOverrideProperty);
        return main;
    }

    /**
     * The replicator's pipeline on a Camel Main: {@code {{aws:NAME#field}}} placeholders (installed before
     * the pipeline's properties are read) and {@link ReplicatorConfiguration}.
     */
    public static void pipeline(Main main) {
        main.addMainListener(new org.apache.camel.main.MainListenerSupport() {
            @Override
            public void beforeConfigure(org.apache.camel.main.BaseMainSupport starting) {
                io.s3replicator.config.SecretPlaceholders.install(starting.getCamelContext());
            }
        });
        ReplicatorConfiguration.ALL.forEach(main.configure()::addConfiguration);
    }

    /** A --properties file, or a one-line error naming the flag. */
    static Properties load(String propertiesFile) {
        Properties file = new Properties();
        try (Reader in = Files.newBufferedReader(Path.of(propertiesFile), StandardCharsets.UTF_8)) {
            file.load(in);
        } catch (IOException e) {
            throw new ConfigException("--properties", propertiesFile + " cannot be read: " + e.getMessage());
        }
        return file;
    }
}
