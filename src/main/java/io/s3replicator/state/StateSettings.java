package io.s3replicator.state;

import io.s3replicator.model.ConfigException;
import org.apache.camel.spi.PropertiesComponent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

import static io.s3replicator.config.SettingValues.bool;
import static io.s3replicator.config.SettingValues.get;
import static io.s3replicator.config.SettingValues.number;

/**
 * Where the state lives ({@code s3replicator.state.*}). Blank optional values are null.
 *
 * @param kind            embedded (H2 file under {@code dir}), jdbc or dynamodb
 * @param dir             directory of the embedded database
 * @param jdbcUrl         JDBC URL (kind jdbc)
 * @param jdbcUser        JDBC user, or null
 * @param jdbcPassword    JDBC password, or null; never printed
 * @param jobTable        DynamoDB table of job status, checkpoints and leases
 * @param inFlightTable   DynamoDB table of jobs in flight
 * @param endpoint        DynamoDB endpoint override, or null
 * @param region          DynamoDB region, or null for the SDK's default chain
 * @param createTables    create missing DynamoDB tables instead of failing
 * @param inFlightTtl     how long an in-flight entry outlives a worker that stopped renewing it
 * @param retention       how long records that only serve history or optimisation are kept after
 *                        their last write (job results, key sequencers, copy records)
 */
public record StateSettings(Kind kind, Path dir, String jdbcUrl, String jdbcUser, String jdbcPassword, String jobTable,
                            String inFlightTable, String endpoint, String region, boolean createTables,
                            Duration inFlightTtl, Duration retention) {
    public static final String PREFIX = "s3replicator.state.";
    /** Long enough for an S3 event that waited 14 days on its event queue, then 14 as a job on the job queue. */
    public static final Duration DEFAULT_RETENTION = Duration.ofDays(30);
    /**
     * A key's sequencer must outlive any event of that key still waiting in a queue (SQS keeps a
     * message at most 14 days), or a late older event would be applied over a newer one.
     */
    public static final Duration MIN_RETENTION = Duration.ofDays(15);

    public enum Kind { EMBEDDED, JDBC, DYNAMODB }

    public StateSettings {
        jdbcUrl = blankToNull(jdbcUrl);
        jdbcUser = blankToNull(jdbcUser);
        jdbcPassword = blankToNull(jdbcPassword);
        endpoint = blankToNull(endpoint);
        region = blankToNull(region);
        if (kind == Kind.JDBC && jdbcUrl == null) {
            throw new ConfigException(PREFIX + "jdbc.url", "required when " + PREFIX + "kind=jdbc");
        }
        if (kind == Kind.DYNAMODB && (blankToNull(jobTable) == null || blankToNull(inFlightTable) == null)) {
            throw new ConfigException(PREFIX + "dynamodb." + (blankToNull(jobTable) == null ? "job-table" : "in-flight-table"),
                    "a table name is required when " + PREFIX + "kind=dynamodb");
        }
        if (inFlightTtl.toSeconds() < 1) {
            throw new ConfigException(PREFIX + "in-flight-ttl", inFlightTtl.toSeconds() + " s must be at least 1 s");
        }
        if (retention.compareTo(MIN_RETENTION) < 0) {
            throw new ConfigException(PREFIX + "retention", retention.toDays() + " days is below " + MIN_RETENTION.toDays()
                    + ": a key's event sequencer must outlive the 14 days an S3 event can wait in SQS");
        }
    }

    public StateSettings(Kind kind, Path dir, String jdbcUrl, String jdbcUser, String jdbcPassword, String jobTable,
                         String inFlightTable, String endpoint, String region, boolean createTables,
                         Duration inFlightTtl) {
        this(kind, dir, jdbcUrl, jdbcUser, jdbcPassword, jobTable, inFlightTable, endpoint, region, createTables,
                inFlightTtl, DEFAULT_RETENTION);
    }

    /** The {@code s3replicator.state.*} properties, with their defaults (README, "State"). */
    public static StateSettings from(PropertiesComponent p) {
        return new StateSettings(kind(get(p, PREFIX + "kind", "embedded")), Path.of(get(p, PREFIX + "dir", "data")),
                get(p, PREFIX + "jdbc.url", ""), get(p, PREFIX + "jdbc.user", ""), get(p, PREFIX + "jdbc.password", ""),
                get(p, PREFIX + "dynamodb.job-table", "s3replicator-job-state"),
                get(p, PREFIX + "dynamodb.in-flight-table", "s3replicator-in-flight"),
                get(p, PREFIX + "dynamodb.endpoint", ""), get(p, PREFIX + "dynamodb.region", ""),
                bool(p, PREFIX + "dynamodb.create-tables"),
                Duration.ofSeconds(number(p, PREFIX + "in-flight-ttl", 120)),
                Duration.ofDays(number(p, PREFIX + "retention", DEFAULT_RETENTION.toDays())));
    }

    /** The {@code kind} property's value as a {@link Kind}, or a line naming the property. */
    public static Kind kind(String value) {
        try {
            return Kind.valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(PREFIX + "kind", "'" + value + "' is not one of embedded, jdbc, dynamodb");
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** Without the password or URL parameters (which may hold one): settings may end up in a log line. */
    @Override
    public String toString() {
        return "StateSettings[kind=" + kind + ", dir=" + dir + ", jdbcUrl=" + (jdbcUrl == null ? null : jdbcUrl.replaceAll("[?;].*", "?...")) + ", jdbcUser=" + jdbcUser
                + ", jdbcPassword=" + (jdbcPassword == null ? "none" : "****") + ", jobTable=" + jobTable
                + ", inFlightTable=" + inFlightTable + ", endpoint=" + endpoint + ", region=" + region
                + ", createTables=" + createTables + ", inFlightTtl=" + inFlightTtl + ", retention=" + retention + "]";
    }
}
