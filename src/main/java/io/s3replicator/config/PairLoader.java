package io.s3replicator.config;

import io.s3replicator.decide.KeyFilter;
import io.s3replicator.storage.BucketCheck;
import io.s3replicator.storage.S3Clients;
import io.s3replicator.storage.S3Location;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Turns every route created from the {@value #TEMPLATE_ID} template (YAML
 * {@code templatedRoute}) into a validated {@link ReplicationPair}, and checks both buckets,
 * just before routes start: a bad field stops start-up with one line naming it.
 */
public class PairLoader implements StartupListener {
    public static final String TEMPLATE_ID = "replication-pair";
    /** The input endpoint of the template in routes/replication-pair.camel.yaml. */
    static final String TEMPLATE_INPUT = "scheduler:replication-pair";
    private static final Logger LOG = LoggerFactory.getLogger(PairLoader.class);

    private final PairRegistry pairs;
    private final S3Clients clients;

    public PairLoader(PairRegistry pairs, S3Clients clients) {
        this.pairs = pairs;
        this.clients = clients;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        for (RouteDefinition route : ((ModelCamelContext) context).getRouteDefinitions()) {
            Map<String, Object> params = route.getTemplateParameters();
            // The model keeps no template id on the route; the template's own input endpoint marks it.
            if (route.isCreatedFromTemplate() && params != null && route.getInput() != null
                    && route.getInput().getEndpointUri().startsWith(TEMPLATE_INPUT)) {
                // Parameter values may be placeholders ({{SOURCE}} from the environment, in the container).
                Map<String, Object> resolved = new java.util.HashMap<>();
                params.forEach((k, v) -> resolved.put(k, v instanceof String text
                        ? context.resolvePropertyPlaceholders(text) : v));
                ReplicationPair pair = fromTemplate(route.getRouteId(), resolved);
                checkBuckets(pair, clients);
                pairs.register(pair);
                LOG.info("pair {}: {} -> {}, schedule '{}'", pair.id(), pair.source(), pair.destination(),
                        resolved.get("schedule"));
            }
        }
    }

    @Override
    public void onCamelContextStarted(CamelContext context, boolean alreadyStarted) {
        // nothing: pairs are loaded before routes start
    }

    /** Validates one templated route's parameters; errors name {@code routeId.parameter}. */
    public static ReplicationPair fromTemplate(String routeId, Map<String, Object> params) {
        String schedule = text(params, "schedule");
        if (!CronExpression.isValidExpression(schedule)) {
            throw new ConfigException(routeId + ".schedule", "'" + schedule + "' is not a Quartz cron expression"
                    + " (seconds minutes hours day-of-month month day-of-week, e.g. '0 0 * * * ?')");
        }
        S3Location source = S3Uri.parse(routeId + ".source", text(params, "source"));
        S3Location destination = S3Uri.parse(routeId + ".destination", text(params, "destination"));
        KeyFilter filter = KeyFilter.of(globs(params, "include"), globs(params, "exclude"));
        boolean dryRun = S3Uri.bool(routeId + ".dryRun", text(params, "dryRun"));
        return new ReplicationPair(routeId, source, destination, filter, dryRun);
    }

    public static void checkBuckets(ReplicationPair pair, S3Clients clients) {
        BucketCheck.check("source", pair.source(), clients.client("source", pair.source().endpoint()));
        BucketCheck.check("destination", pair.destination(), clients.client("destination", pair.destination().endpoint()));
    }

    private static String text(Map<String, Object> params, String name) {
        Object value = params.get(name);
        return value == null ? "" : value.toString().strip();
    }

    private static List<String> globs(Map<String, Object> params, String name) {
        String value = text(params, name);
        return value.isEmpty() ? List.of() : Arrays.asList(value.split(","));
    }
}
