package io.s3replicator.state.backend;

import io.s3replicator.state.CheckpointStore;
import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.DeadLetterJobs;
import io.s3replicator.state.FannedOutParts;
import io.s3replicator.state.InFlightJobs;
import io.s3replicator.state.JobStore;
import io.s3replicator.state.KeySequencers;
import io.s3replicator.state.Leases;
import io.s3replicator.state.MemoryInFlightJobs;
import io.s3replicator.state.OwnDeletes;
import io.s3replicator.state.StateSettings;
import io.s3replicator.state.jdbc.EmbeddedDatabase;
import io.s3replicator.state.jdbc.Jdbc;
import io.s3replicator.state.jdbc.JdbcCheckpointStore;
import io.s3replicator.state.jdbc.JdbcConnections;
import io.s3replicator.state.jdbc.JdbcCopiedEtags;
import io.s3replicator.state.jdbc.JdbcDeadLetterJobs;
import io.s3replicator.state.jdbc.JdbcFannedOutParts;
import io.s3replicator.state.jdbc.JdbcInFlightJobs;
import io.s3replicator.state.jdbc.JdbcJobStore;
import io.s3replicator.state.jdbc.JdbcKeySequencers;
import io.s3replicator.state.jdbc.JdbcLeases;
import io.s3replicator.state.jdbc.JdbcOwnDeletes;
import io.s3replicator.state.jdbc.JdbcRetention;
import io.s3replicator.state.jdbc.RetentionRoute;
import io.s3replicator.state.dynamodb.DynamoDbCheckpointStore;
import io.s3replicator.state.dynamodb.DynamoDbCopiedEtags;
import io.s3replicator.state.dynamodb.DynamoDbDeadLetterJobs;
import io.s3replicator.state.dynamodb.DynamoDbFannedOutParts;
import io.s3replicator.state.dynamodb.DynamoDbGroupWrites;
import io.s3replicator.state.dynamodb.DynamoDbGroupClaims;
import io.s3replicator.state.dynamodb.DynamoDbInFlightJobs;
import io.s3replicator.state.dynamodb.DynamoDbJobStore;
import io.s3replicator.state.dynamodb.DynamoDbKeySequencers;
import io.s3replicator.state.dynamodb.DynamoDbLeases;
import io.s3replicator.state.dynamodb.DynamoDbOwnDeletes;
import io.s3replicator.state.dynamodb.DynamoDbTables;
import io.s3replicator.model.ConfigException;
import io.s3replicator.config.S3Uri;
import io.s3replicator.store.S3Errors;
import org.apache.camel.support.service.ServiceSupport;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbClientBuilder;

import com.zaxxer.hikari.HikariDataSource;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The state of the pipeline in one place, chosen by {@code s3replicator.state.kind}: job status,
 * multipart checkpoints, jobs in flight and leases, on the embedded H2 file (default), any
 * JDBC database, or DynamoDB. A Camel service: stopping it closes what it opened.
 */
public final class StateBackend extends ServiceSupport {
    /** A round trip to the store that throws when it is unreachable (the readiness probe's view of the state). */
    public interface Ping {
        void check() throws Exception;
    }

    private final StateSettings.Kind kind;
    private final JobStore jobStore;
    private final CheckpointStore checkpoints;
    private final InFlightJobs inFlight;
    private final Leases leases;
    private final KeySequencers keySequencers;
    private final OwnDeletes ownDeletes;
    private final CopiedEtags copiedEtags;
    private final DeadLetterJobs deadLetters;
    private final FannedOutParts fannedOutParts;
    private final Ping ping;
    /** Null on DynamoDB, whose TTL expires items itself. */
    private final JdbcRetention retention;
    private final AutoCloseable resources;
    private final AtomicBoolean closed = new AtomicBoolean();

    private StateBackend(StateSettings.Kind kind, JobStore jobStore, CheckpointStore checkpoints, InFlightJobs inFlight,
                         Leases leases, KeySequencers keySequencers, OwnDeletes ownDeletes, CopiedEtags copiedEtags,
                         DeadLetterJobs deadLetters, FannedOutParts fannedOutParts, Ping ping, JdbcRetention retention,
                         AutoCloseable resources) {
        this.kind = kind;
        this.jobStore = jobStore;
        this.checkpoints = checkpoints;
        this.inFlight = inFlight;
        this.leases = leases;
        this.keySequencers = keySequencers;
        this.ownDeletes = ownDeletes;
        this.copiedEtags = copiedEtags;
        this.deadLetters = deadLetters;
        this.fannedOutParts = fannedOutParts;
        this.ping = ping;
        this.retention = retention;
        this.resources = resources;
    }

    public static StateBackend open(StateSettings settings) {
        return switch (settings.kind()) {
            case EMBEDDED -> embedded(settings);
            case JDBC -> jdbc(settings);
            case DYNAMODB -> dynamodb(settings);
        };
    }

    private static StateBackend embedded(StateSettings settings) {
        EmbeddedDatabase store = new EmbeddedDatabase(settings.dir());
        try {
            // One process and an in-memory queue: jobs in flight live in memory (MemoryInFlightJobs).
            return jdbc(settings, store, store.dataSource(), new MemoryInFlightJobs(settings.inFlightTtl()), store);
        } catch (IllegalStateException e) {
            store.close();
            throw new ConfigException(StateSettings.PREFIX + "dir", Jdbc.firstLine(e.getMessage()));
        }
    }

    private static StateBackend jdbc(StateSettings settings) {
        HikariDataSource pool = JdbcConnections.open(settings.jdbcUrl(), settings.jdbcUser(), settings.jdbcPassword(),
                64, StateSettings.PREFIX + "jdbc.url", "cannot connect to the state database");
        try {
            return jdbc(settings, new JdbcJobStore(pool), pool, new JdbcInFlightJobs(pool, settings.inFlightTtl()), pool);
        } catch (IllegalStateException e) {
            pool.close();
            throw new ConfigException(StateSettings.PREFIX + "jdbc.url", Jdbc.firstLine(e.getMessage()));
        }
    }

    private static StateBackend jdbc(StateSettings settings, JobStore jobs, DataSource dataSource,
                                     InFlightJobs inFlight, AutoCloseable resources) {
        CheckpointStore checkpoints = new JdbcCheckpointStore(dataSource);
        Leases leases = new JdbcLeases(dataSource);
        KeySequencers sequencers = new JdbcKeySequencers(dataSource);
        OwnDeletes ownDeletes = new JdbcOwnDeletes(dataSource);
        CopiedEtags copiedEtags = new JdbcCopiedEtags(dataSource);
        FannedOutParts fannedOutParts = new JdbcFannedOutParts(dataSource);
        // After the stores: it sweeps the tables they created.
        JdbcRetention retention = new JdbcRetention(dataSource, settings.retention(), settings.inFlightTtl(),
                java.time.Clock.systemUTC());
        return new StateBackend(settings.kind(), jobs, checkpoints, inFlight, leases, sequencers, ownDeletes,
                copiedEtags, new JdbcDeadLetterJobs(dataSource, java.time.Clock.systemUTC()), fannedOutParts, () -> {
                    try (Connection c = dataSource.getConnection()) {
                        if (!c.isValid(5)) {
                            throw new IllegalStateException("connection is not valid");
                        }
                    }
                }, retention, resources);
    }

    private static StateBackend dynamodb(StateSettings settings) {
        DynamoDbClient client = dynamoDbClient(settings);
        String where = settings.endpoint() != null ? "endpoint " + settings.endpoint()
                : "region " + client.serviceClientConfiguration().region();
        try {
            DynamoDbTables.ensure(client, settings.jobTable(), settings.inFlightTable(), settings.createTables(), where);
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        String jobTable = settings.jobTable();
        // Results of first copies and done marks of many jobs share BatchWriteItem requests.
        DynamoDbGroupWrites writes = new DynamoDbGroupWrites(client, Duration.ofMillis(200));
        // Claims share requests as a group commit (the other jobs of a receive share the next request;
        // RequestEconomyTest counted as few requests with a 5 ms linger as without one).
        DynamoDbGroupClaims claims = new DynamoDbGroupClaims(client);
        java.time.Clock utc = java.time.Clock.systemUTC();
        // Both tables have TTL on expiresAt: every item that only serves history or optimisation
        // carries it; upload checkpoints do not (forgotten when their upload ends).
        return new StateBackend(StateSettings.Kind.DYNAMODB,
                new DynamoDbJobStore(client, jobTable, settings.retention(), utc, writes),
                new DynamoDbCheckpointStore(client, jobTable),
                new DynamoDbInFlightJobs(client, settings.inFlightTable(), settings.inFlightTtl(), utc, writes, claims),
                new DynamoDbLeases(client, jobTable),
                new DynamoDbKeySequencers(client, settings.inFlightTable(), settings.retention(), utc),
                new DynamoDbOwnDeletes(client, settings.inFlightTable(), OwnDeletes.TTL, utc),
                new DynamoDbCopiedEtags(client, jobTable, settings.retention(), utc),
                new DynamoDbDeadLetterJobs(client, jobTable, utc),
                new DynamoDbFannedOutParts(client, jobTable, settings.retention(), utc),
                () -> client.describeTable(b -> b.tableName(jobTable)), null, () -> {
                    claims.close();
                    writes.close();
                    client.close();
                });
    }

    private static DynamoDbClient dynamoDbClient(StateSettings settings) {
        DynamoDbClientBuilder builder = DynamoDbClient.builder()
                .httpClientBuilder(ApacheHttpClient.builder().maxConnections(128)
                        .connectionTimeout(Duration.ofSeconds(10)));
        if (settings.endpoint() != null) {
            builder.endpointOverride(S3Uri.endpointUrl(StateSettings.PREFIX + "dynamodb.endpoint", settings.endpoint()));
        }
        if (settings.region() != null) {
            builder.region(Region.of(settings.region()));
        } else if (settings.endpoint() != null) {
            // A local or compatible endpoint needs some region to sign with, as the SQS client does.
            builder.region(Region.US_EAST_1);
        }
        try {
            return builder.build();
        } catch (SdkClientException e) {
            // Typically: no region in the SDK's chain (AWS_REGION, profile, instance metadata).
            throw new ConfigException(StateSettings.PREFIX + "dynamodb.region", S3Errors.firstLine(e.getMessage())
                    + " (set " + StateSettings.PREFIX + "dynamodb.region or AWS_REGION)");
        }
    }

    public StateSettings.Kind kind() {
        return kind;
    }

    public JobStore jobStore() {
        return jobStore;
    }

    public CheckpointStore checkpoints() {
        return checkpoints;
    }

    public InFlightJobs inFlight() {
        return inFlight;
    }

    public Leases leases() {
        return leases;
    }

    /** The sequencer of the last S3 event applied per pair and source key. */
    public KeySequencers keySequencers() {
        return keySequencers;
    }

    /** Deletes the replicator made in two-way pairs, until their echo event comes back. */
    public OwnDeletes ownDeletes() {
        return ownDeletes;
    }

    /**
     * Only the embedded queue is in memory: after a restart none of its jobs is in flight,
     * whatever the table says. With a shared store the entries are other workers' real jobs.
     */
    public boolean clearInFlightAtStart() {
        return kind == StateSettings.Kind.EMBEDDED;
    }

    /** Destination ETags of copies that differ from their source's (multipart, SSE-KMS). */
    public CopiedEtags copiedEtags() {
        return copiedEtags;
    }

    /** Jobs that failed for good on a queue without a DLQ of its own (the embedded one). */
    public DeadLetterJobs deadLetters() {
        return deadLetters;
    }

    /** The parts of uploads fanned out across workers (distributed mode). */
    public FannedOutParts fannedOutParts() {
        return fannedOutParts;
    }

    /**
     * The sweep of expired rows of a JDBC store (run on a schedule: {@link RetentionRoute}), or
     * null on DynamoDB, whose TTL deletes expired items itself.
     */
    public JdbcRetention retention() {
        return retention;
    }

    /** Throws when the store cannot be reached (readiness). */
    public void ping() throws Exception {
        ping.check();
    }

    /** Closes what it opened, started or not (a never-started service ignores stop()). */
    @Override
    public void close() {
        stop();
        closeResources();
    }

    @Override
    protected void doStop() {
        closeResources();
    }

    private void closeResources() {
        if (closed.compareAndSet(false, true)) {
            try {
                resources.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot close the state store: " + e.getMessage(), e);
            }
        }
    }
}
