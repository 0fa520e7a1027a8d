package io.s3replicator.wiring;

import io.s3replicator.config.S3Uri;

import io.s3replicator.config.ReplicationPair;

import io.s3replicator.config.PairRegistry;

import io.s3replicator.config.PairFeatures;

import io.s3replicator.model.ConfigException;

import io.s3replicator.config.IgnoreList;
import io.s3replicator.config.KeyFilter;
import io.s3replicator.record.ObjectReport;
import io.s3replicator.record.ObjectReports;
import io.s3replicator.config.ReportFormat;
import io.s3replicator.store.BucketCheck;
import io.s3replicator.store.S3Clients;
import io.s3replicator.store.S3Location;
import org.apache.camel.CamelContext;
import org.apache.camel.StartupListener;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.model.RouteTemplateParameterDefinition;
import org.apache.camel.util.StringHelper;
import org.quartz.CronExpression;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns every route created from the {@value #TEMPLATE_ID} template (YAML
 * {@code templatedRoute}) into a validated {@link ReplicationPair}, and checks both buckets,
 * just before routes start: a bad field stops start-up with one line naming it.
 *
 * <p>Longer than 300 lines on purpose: it reads every template parameter, and each one's
 * validation and error message belongs beside the others (one place that names them all).
 */
public class PairLoader implements StartupListener {
    public static final String TEMPLATE_ID = "replication-pair";
    /** The input endpoint of the template in routes/replication-pair.camel.yaml. */
    static final String TEMPLATE_INPUT = "scheduler:replication-pair";
    private static final Logger LOG = LoggerFactory.getLogger(PairLoader.class);

    private final PairRegistry pairs;
    private final S3Clients clients;
    private final ObjectReports reports;

    public PairLoader(PairRegistry pairs, S3Clients clients) {
        this(pairs, clients, new ObjectReports());
    }

    /** @param reports where the report files of pairs with a {@code report} parameter are opened */
    public PairLoader(PairRegistry pairs, S3Clients clients, ObjectReports reports) {
        this.pairs = pairs;
        this.clients = clients;
        this.reports = reports;
    }

    @Override
    public void onCamelContextStarting(CamelContext context, boolean alreadyStarted) {
        // Every pair's parameters first (no I/O), then the buckets: a typo anywhere in the routes
        // files is reported before any endpoint is contacted.
        List<Loaded> loaded = load(context);
        for (Loaded l : loaded) {
            try {
                checkBuckets(l.pair(), clients);
            } catch (ConfigException e) {
                throw new ConfigException(l.pair().id() + "." + e.field(), e.problem(), e);
            }
        }
        for (Loaded l : loaded) {
            if (l.report() != null) {
                // Appended to: the report of a long-running pair outlives restarts.
                reports.open(l.pair().id(), new ObjectReport(l.pair().id() + ".report", l.pair(), l.report(),
                        ReportFormat.of(l.pair().id() + ".report", l.report(), null), true));
            }
        }
        for (Loaded l : loaded) {
            pairs.register(l.pair());
            LOG.info("pair {}: {} -> {}, schedule '{}'{}", l.pair().id(), l.pair().source(), l.pair().destination(),
                    l.schedule(), describe(l.pair().features()));
        }
    }

    /** A pair read from a templated route, with the schedule its route was created with and its report file (or null). */
    record Loaded(ReplicationPair pair, String schedule, Path report) {
    }

    /** Every route created from the template, as a validated pair; a bad or unknown parameter throws. */
    static List<Loaded> load(CamelContext context) {
        ModelCamelContext model = (ModelCamelContext) context;
        RouteTemplateDefinition template = model.getRouteTemplateDefinition(TEMPLATE_ID);
        List<String> names = template == null || template.getTemplateParameters() == null ? List.of()
                : template.getTemplateParameters().stream().map(RouteTemplateParameterDefinition::getName).toList();
        List<Loaded> loaded = new ArrayList<>();
        for (RouteDefinition route : model.getRouteDefinitions()) {
            Map<String, Object> params = route.getTemplateParameters();
            // The model keeps no template id on the route; the template's own input endpoint marks it.
            if (route.isCreatedFromTemplate() && params != null && route.getInput() != null
                    && route.getInput().getEndpointUri().startsWith(TEMPLATE_INPUT)) {
                checkNames(route.getRouteId(), names, params.keySet());
                // Parameter values may be placeholders ({{SOURCE}} from the environment, in the container).
                Map<String, Object> resolved = new java.util.HashMap<>();
                params.forEach((k, v) -> resolved.put(k, v instanceof String text
                        ? context.resolvePropertyPlaceholders(text) : v));
                loaded.add(new Loaded(fromTemplate(route.getRouteId(), resolved), text(resolved, "schedule"),
                        report(route.getRouteId(), text(resolved, "report"))));
            }
        }
        return loaded;
    }

    /**
     * Camel passes any parameter a templated route names to the template, declared or not, so a
     * misspelt one ({@code schedul}, {@code twoway}) would silently leave its default in place.
     * Only the template's declared names (and the kebab-case forms Camel also accepts) are allowed.
     */
    static void checkNames(String routeId, List<String> declared, Collection<String> given) {
        if (declared.isEmpty()) {
            return;
        }
        Set<String> valid = new HashSet<>();
        for (String name : declared) {
            valid.add(name);
            valid.add(StringHelper.camelCaseToDash(name));
        }
        for (String name : new TreeSet<>(given)) {
            if (!valid.contains(name)) {
                String closest = closest(name, declared);
                throw new ConfigException(routeId + "." + name, closest != null
                        ? "unknown parameter; did you mean '" + closest + "'?"
                        : "unknown parameter; the parameters are " + String.join(", ", declared));
            }
        }
    }

    /** The declared name nearest to a misspelt one (edit distance, ignoring case), or null if none is near. */
    public static String closest(String name, List<String> declared) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : declared) {
            int d = distance(name.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = candidate;
                bestDistance = d;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 4) ? best : null;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** The report file a pair names, its format checked now (no I/O): null for none. */
    static Path report(String routeId, String value) {
        if (value.isEmpty()) {
            return null;
        }
        Path file = Path.of(value);
        ReportFormat.of(routeId + ".report", file, null);
        return file;
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
        PairFeatures f = features(routeId, params);
        S3Location inventory = inventory(routeId + ".inventory", text(params, "inventory"), source);
        if (inventory != null) {
            f = new PairFeatures(f.events(), f.eventsDlq(), f.deletes(), f.twoWay(), f.ignore(), f.compareVersions(),
                    f.refreshVersion(), f.getByVersion(), f.deleteUnowned(), inventory);
        }
        return new ReplicationPair(routeId, source, destination, filter, dryRun, f);
    }

    /**
     * Where inventory reports land, {@code s3://bucket/prefix/[?options]}; without options it is read
     * as the source is (same endpoint and credentials). Null when the parameter is empty.
     */
    public static S3Location inventory(String field, String text, S3Location source) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        S3Location location = S3Uri.parse(field, text);
        return text.contains("?") ? location : location.withEndpoint(source.endpoint());
    }

    /** Events, deletes, two-way, ignore list and versions; every value validated, errors name the parameter. */
    static PairFeatures features(String routeId, Map<String, Object> params) {
        String events = text(params, "events");
        String dlq = text(params, "eventsDlq");
        if (!events.isEmpty()) {
            queue(routeId + ".events", events);
        }
        if (!dlq.isEmpty()) {
            if (events.isEmpty()) {
                throw new ConfigException(routeId + ".eventsDlq", "is set but the pair has no events queue");
            }
            queue(routeId + ".eventsDlq", dlq);
            if (dlq.equals(events)) {
                throw new ConfigException(routeId + ".eventsDlq", "must not be the events queue itself");
            }
        }
        IgnoreList ignore = IgnoreList.parse(routeId + ".ignore", text(params, "ignore"), routeId + ".ignoreFile",
                text(params, "ignoreFile"));
        return new PairFeatures(events.isEmpty() ? null : events, dlq.isEmpty() ? null : dlq,
                flag(routeId, params, "deletes", false), flag(routeId, params, "twoWay", false), ignore,
                flag(routeId, params, "compareVersions", false), flag(routeId, params, "refreshVersion", false),
                flag(routeId, params, "getByVersion", true));
    }

    private static final java.util.regex.Pattern QUEUE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,80}(\\.fifo)?");

    /** An SQS queue name (1-80 of A-Z a-z 0-9 - _) or queue URL. */
    private static void queue(String field, String value) {
        if (value.startsWith("http://") || value.startsWith("https://")) {
            S3Uri.endpointUrl(field, value);
            if (value.substring(value.indexOf("://") + 3).split("/").length < 3) {
                throw new ConfigException(field, "'" + value + "' is not a queue URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)");
            }
            return;
        }
        if (!QUEUE_NAME.matcher(value).matches()) {
            throw new ConfigException(field, "'" + value + "' is not an SQS queue name (1-80 of A-Z a-z 0-9 - _) or queue URL");
        }
    }

    private static boolean flag(String routeId, Map<String, Object> params, String name, boolean otherwise) {
        String value = text(params, name);
        return value.isEmpty() ? otherwise : S3Uri.bool(routeId + "." + name, value);
    }

    private static String describe(PairFeatures f) {
        StringBuilder out = new StringBuilder();
        if (f.hasEvents()) {
            out.append(", events from ").append(f.events());
        }
        if (f.deletes()) {
            out.append(", deletes on");
        }
        if (f.twoWay()) {
            out.append(", two-way");
        }
        if (f.hasInventory()) {
            out.append(", inventory reports from ").append(f.inventory().uri());
        }
        if (!f.ignore().isEmpty()) {
            out.append(", ").append(f.ignore().patterns().size()).append(" ignore patterns");
        }
        return out.toString();
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
