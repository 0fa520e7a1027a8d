package io.s3replicator.cli;

import io.s3replicator.config.ReplicatorConfiguration;
import org.apache.camel.main.Main;

import java.util.Map;

/** The one Camel Main both commands run: the pipeline of {@link ReplicatorConfiguration}. */
final class ReplicatorMain {
    private ReplicatorMain() {
    }

    /**
     * @param properties overrides of application.properties (CLI flags win over files)
     * @param propertiesFile an extra properties file, or null
     */
    static Main create(Map<String, String> properties, String propertiesFile) {
        Main main = new Main();
        main.configure().addConfiguration(ReplicatorConfiguration.class);
        String locations = "classpath:application.properties";
        if (propertiesFile != null) {
            locations += ",file:" + propertiesFile;
        }
        main.setPropertyPlaceholderLocations(locations);
        properties.forEach(main::addOverrideProperty);
        return main;
    }
}
