package io.s3replicator.cli;

import ch.qos.logback.classic.Level;
import io.s3replicator.model.ConfigException;
import io.s3replicator.config.PairRegistry;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.Main;
import org.apache.camel.main.MainListenerSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "run", sortOptions = false,
        description = {"Keep the replication pairs of a routes directory in step.",
            "Each templatedRoute of the replication-pair template in the *.camel.yaml files of --routes is one"
                + " pair, diffed on its Quartz schedule (and copied on S3 events where it names an events queue)"
                + " until stopped (SIGTERM, Ctrl-C). Every parameter is checked at start-up; the README lists them."},
        footer = {
            "  s3-replicator run --routes routes",
            "  s3-replicator run --routes /etc/s3r/routes --properties prod.properties",
            "  # routes/pairs.camel.yaml, one pair diffed hourly:",
            "  - templatedRoute:",
            "      routeTemplateRef: replication-pair",
            "      routeId: logs-to-archive",
            "      parameters:",
            "        - {name: source, value: \"s3://src/logs\"}",
            "        - {name: destination, value: \"s3://dst/logs?storageClass=STANDARD_IA\"}",
            "        - {name: schedule, value: \"0 0 * * * ?\"}"})
public class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);

    @ParentCommand
    RootCommand root;

    @Option(names = "--routes", paramLabel = "DIR", defaultValue = "routes",
            description = "directory of *.camel.yaml files with replication-pair templated routes (default: ${DEFAULT-VALUE})")
    Path routes;
    @Option(names = "--properties", paramLabel = "FILE", description = "extra properties file (s3replicator.*, camel.*) over the built-in defaults")
    Path properties;
    @Option(names = "--state-dir", paramLabel = "DIR", description = "embedded job-state database directory (default: data)")
    String stateDir;
    @Option(names = "--debug", description = "debug logging and stack traces")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        if (debug) {
            Logging.level("io.s3replicator", "DEBUG");
        }
        if (!Files.isDirectory(routes)) {
            throw new ConfigException("--routes", routes + " is not a directory");
        }
        if (!hasRoutesFile(routes)) {
            throw new ConfigException("--routes", "no *.camel.yaml file in " + routes.toAbsolutePath());
        }
        if (properties != null && !Files.isReadable(properties)) {
            throw new ConfigException("--properties", properties + " cannot be read");
        }
        Map<String, String> overrides = new LinkedHashMap<>();
        overrides.put("camel.main.routes-include-pattern", "classpath:routes/replication-pair.camel.yaml,file:"
                + routes.toAbsolutePath() + "/*.camel.yaml");
        if (stateDir != null) {
            overrides.put("s3replicator.state.dir", stateDir);
        }
        Main main = ReplicatorMain.create(overrides, properties == null ? null : properties.toAbsolutePath().toString());
        if (debug) {
            main.run();
            return main.getExitCode();
        }
        // Camel is silent until the pairs run: its start-up lines, and the ERROR line with a stack
        // trace it logs when start-up fails, would bury the one line Cli prints for that failure.
        Level camel = Logging.level("org.apache.camel", "OFF");
        main.addMainListener(new MainListenerSupport() {
            @Override
            public void afterStart(BaseMainSupport started) {
                Logging.set("org.apache.camel", camel);
                int pairs = started.getCamelContext().getRegistry().lookupByNameAndType("pairs", PairRegistry.class).all().size();
                LOG.info("{} running {} replication pair{} from {}", BuildVersion.line(), pairs, pairs == 1 ? "" : "s",
                        routes.toAbsolutePath());
            }
        });
        try {
            main.run();
        } finally {
            Logging.set("org.apache.camel", camel);
        }
        return main.getExitCode();
    }

    private static boolean hasRoutesFile(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.camel.yaml")) {
            return files.iterator().hasNext();
        }
    }
}
