package io.s3replicator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.s3replicator.model.ConfigException;
import io.s3replicator.wiring.PairLoader;
import io.s3replicator.config.ReplicationPair;
import io.s3replicator.discover.PairVerifier;
import io.s3replicator.discover.PairVerifier.Report;
import io.s3replicator.store.S3Clients;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "verify", sortOptions = false,
        description = {"Compare SOURCE and DESTINATION and name every difference.",
            "Changes neither side. Names every object missing at the destination, extra there, or different."
                + " Takes the same arguments as sync.",
            "Exit 0 when they are identical, 1 when they differ, 2 on bad input or when a side cannot be listed."},
        footer = {
            "  # Check a copy after a sync:",
            "  s3-replicator verify s3://src/logs s3://dst/logs --dest-profile backup",
            "  # The differences as one JSON document, for a script:",
            "  s3-replicator verify s3://src s3://dst --json > differences.json"})
public class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    RootCommand root;

    @Mixin
    PairOptions pairOptions;

    @Option(names = "--json", description = "print one JSON document instead of the text report")
    boolean json;
    @Option(names = "--max-listed", paramLabel = "N", defaultValue = "10000",
            description = "keys named per kind of difference; counts stay exact (default: ${DEFAULT-VALUE})")
    int maxListed;
    @Option(names = "--debug", description = "debug logging and stack traces")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        Logging.level("io.s3replicator", debug ? "DEBUG" : "WARN");
        ReplicationPair pair = pairOptions.pair("verify", false);
        if (maxListed < 0) {
            throw new ConfigException("--max-listed", maxListed + " must not be negative");
        }
        try (S3Clients clients = new S3Clients(8)) {
            PairLoader.checkBuckets(pair, clients);
            Report report = new PairVerifier(clients, 1000, maxListed).verify(pair);
            if (json) {
                root.out.println(toJson(report));
            } else {
                print(root.out, report);
            }
            return report.isIdentical() ? ExitCodes.OK : ExitCodes.FAILURES;
        }
    }

    private static void print(PrintStream out, Report r) {
        out.printf(Locale.ROOT, "s3-replicator verify %s -> %s%n", r.source(), r.destination());
        out.printf(Locale.ROOT, "  listed    %d source objects, %d destination objects%n", r.sourceObjects(),
                r.destinationObjects());
        out.printf(Locale.ROOT, "  identical %d objects%s%n", r.identical(),
                r.excluded() > 0 ? " (" + r.excluded() + " excluded)" : "");
        out.printf(Locale.ROOT, "  missing   %d objects (not at the destination)%n", r.missingCount());
        out.printf(Locale.ROOT, "  extra     %d objects (only at the destination)%n", r.extraCount());
        out.printf(Locale.ROOT, "  different %d objects%n", r.differentCount());
        r.missing().forEach(k -> out.println("  MISSING   " + k));
        r.extra().forEach(k -> out.println("  EXTRA     " + k));
        r.different().forEach(d -> out.println("  DIFFERENT " + d.key() + ": " + d.reason()));
        if (r.truncated()) {
            out.println("  ...       more keys than --max-listed; the counts above are exact");
        }
        out.println(r.isIdentical() ? "identical" : "NOT identical");
    }

    static String toJson(Report r) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode doc = mapper.createObjectNode();
        doc.put("source", r.source());
        doc.put("destination", r.destination());
        doc.put("identical", r.isIdentical());
        doc.put("sourceObjects", r.sourceObjects());
        doc.put("destinationObjects", r.destinationObjects());
        doc.put("identicalObjects", r.identical());
        doc.put("excludedObjects", r.excluded());
        ObjectNode missing = doc.putObject("missing");
        missing.put("count", r.missingCount());
        ArrayNode mk = missing.putArray("keys");
        r.missing().forEach(mk::add);
        ObjectNode extra = doc.putObject("extra");
        extra.put("count", r.extraCount());
        ArrayNode ek = extra.putArray("keys");
        r.extra().forEach(ek::add);
        ObjectNode different = doc.putObject("different");
        different.put("count", r.differentCount());
        ArrayNode objects = different.putArray("objects");
        r.different().forEach(d -> objects.addObject().put("key", d.key()).put("reason", d.reason()));
        doc.put("truncated", r.truncated());
        return mapper.writeValueAsString(doc);
    }
}
