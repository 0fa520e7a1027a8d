package io.s3replicator.state.jdbc;

import io.s3replicator.state.OwnDeletes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Retention on the JDBC stores (embedded H2 or any database): rows that only serve history or
 * optimisation are deleted once past their time, a bounded batch per transaction, so the state
 * stops growing with every object ever copied. DynamoDB does the same with its TTL attribute.
 *
 * <ul>
 *   <li>{@code job_state}: a retention after the job's last attempt (history; a run still being
 *       counted has long ended by then, see RunAccounting).</li>
 *   <li>{@code key_sequencer}: a retention after the key's last event; the retention is at least
 *       as long as an S3 event can wait in SQS, so no late event finds its key forgotten.</li>
 *   <li>{@code copied_etag}: a retention after the copy; losing one costs a HEAD at the next diff,
 *       whose in-step skip records it again.</li>
 *   <li>{@code own_delete}: past the echo window ({@link OwnDeletes#TTL}): ignored after it anyway.</li>
 *   <li>{@code fanned_out_upload}, {@code fanned_out_part}: a retention after their last write (normally
 *       forgotten when the object's job consumed the upload's end; these are what a crash left).</li>
 *   <li>{@code in_flight_job}, {@code lease}: entries expired for longer than the in-flight TTL (done
 *       marks, queued marks whose window passed, claims of dead workers). An expired entry already
 *       counts as absent; the margin keeps a holder that was paused a moment able to renew it.</li>
 * </ul>
 * Never: {@code multipart_upload}, forgotten when its upload completes or is aborted (the sweep of
 * abandoned uploads needs it as proof while the upload exists).
 *
 * <p>Each batch selects keys, then deletes them with the age condition repeated, so a row written
 * again in between stays. Several workers sweeping at once only repeat each other's deletes.
 */
public final class JdbcRetention {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcRetention.class);
    static final int BATCH = 1000;

    /** Rows of {@code table} whose {@code column} is before the cutoff (bound as {@code bind} makes it) expire. */
    private record Rule(String table, List<String> key, String column, Duration age, Function<Instant, Object> bind) {
    }

    private final DataSource dataSource;
    private final Clock clock;
    private final int batch;
    private final List<Rule> rules = new ArrayList<>();

    /** @param inFlightTtl how long past its expiry an owned entry is kept */
    public JdbcRetention(DataSource dataSource, Duration retention, Duration inFlightTtl, Clock clock) {
        this(dataSource, retention, inFlightTtl, clock, BATCH);
    }

    JdbcRetention(DataSource dataSource, Duration retention, Duration inFlightTtl, Clock clock, int batch) {
        this.dataSource = dataSource;
        this.clock = clock;
        this.batch = batch;
        Function<Instant, Object> timestamp = Timestamp::from;
        Function<Instant, Object> millis = Instant::toEpochMilli;
        add(new Rule(JdbcJobStore.TABLE, List.of("job_id"), "last_at", retention, timestamp));
        add(new Rule(JdbcKeySequencers.TABLE, List.of("pair_id", "key_hash"), "updated_at", retention, millis));
        add(new Rule(JdbcCopiedEtags.TABLE, List.of("id"), "copied_at", retention, millis));
        add(new Rule(JdbcOwnDeletes.TABLE, List.of("id"), "deleted_at", OwnDeletes.TTL, timestamp));
        add(new Rule(JdbcInFlightJobs.TABLE, List.of("id"), "expires_at", inFlightTtl, millis));
        add(new Rule(JdbcLeases.TABLE, List.of("id"), "expires_at", inFlightTtl, millis));
        add(new Rule(JdbcFannedOutParts.UPLOADS, List.of("upload_id"), "updated_at", retention, millis));
        add(new Rule(JdbcFannedOutParts.PARTS, List.of("upload_id", "part_number"), "recorded_at", retention, millis));
    }

    /** Only tables this database has: the embedded mode keeps jobs in flight in memory. */
    private void add(Rule rule) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.executeQuery("SELECT COUNT(*) FROM " + rule.table() + " WHERE 1 = 0").close();
            rules.add(rule);
        } catch (SQLException absent) {
            LOG.debug("no table {}: nothing to expire there", rule.table());
        }
    }

    /** Deletes every expired row, batch by batch; the rows deleted per table. Throws on a database error. */
    public Map<String, Integer> sweep() {
        Map<String, Integer> deleted = new LinkedHashMap<>();
        Instant now = clock.instant();
        for (Rule rule : rules) {
            Object cutoff = rule.bind().apply(now.minus(rule.age()));
            int total = 0;
            try {
                for (Batch b = new Batch(batch, 0); b.selected() == batch; total += b.deleted()) {
                    b = deleteBatch(rule, cutoff);
                }
            } catch (SQLException e) {
                throw new IllegalStateException("cannot expire rows of " + rule.table() + ": "
                        + Jdbc.firstLine(e.getMessage()), e);
            }
            deleted.put(rule.table(), total);
        }
        return deleted;
    }

    /** Rows a batch found expired, and those it deleted (not written again in between). */
    private record Batch(int selected, int deleted) {
    }

    /** Up to {@link #batch} expired rows of one table, deleted in one transaction. */
    private Batch deleteBatch(Rule rule, Object cutoff) throws SQLException {
        String where = String.join(" = ? AND ", rule.key()) + " = ? AND " + rule.column() + " < ?";
        try (Connection c = dataSource.getConnection()) {
            List<Object[]> keys = new ArrayList<>();
            try (PreparedStatement select = c.prepareStatement("SELECT " + String.join(", ", rule.key()) + " FROM "
                    + rule.table() + " WHERE " + rule.column() + " < ?")) {
                select.setMaxRows(batch);
                Jdbc.bind(select, cutoff);
                try (ResultSet rs = select.executeQuery()) {
                    while (rs.next()) {
                        Object[] key = new Object[rule.key().size() + 1];
                        for (int i = 0; i < rule.key().size(); i++) {
                            key[i] = rs.getObject(i + 1);
                        }
                        key[rule.key().size()] = cutoff;
                        keys.add(key);
                    }
                }
            }
            if (keys.isEmpty()) {
                return new Batch(0, 0);
            }
            c.setAutoCommit(false);
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM " + rule.table() + " WHERE " + where)) {
                for (Object[] key : keys) {
                    Jdbc.bind(delete, key);
                    delete.addBatch();
                }
                int deleted = 0;
                for (int count : delete.executeBatch()) {
                    deleted += count == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, count);
                }
                c.commit();
                return new Batch(keys.size(), deleted);
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }
}
