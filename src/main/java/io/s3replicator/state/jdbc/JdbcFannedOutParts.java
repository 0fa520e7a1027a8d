package io.s3replicator.state.jdbc;

import io.s3replicator.state.FannedOutParts;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * {@link FannedOutParts} on JDBC: tables {@code fanned_out_upload} (one row per upload) and
 * {@code fanned_out_part} (one row per recorded part). Recording a part locks its upload's row
 * (SELECT ... FOR UPDATE) for the transaction that inserts the part and counts it, so a part is
 * counted once however many workers record it at once; claims are UPDATEs whose WHERE decides.
 * Both tables are swept a retention after their last write (an upload's rows normally go when
 * its job consumed its end).
 */
public class JdbcFannedOutParts implements FannedOutParts {
    static final String UPLOADS = "fanned_out_upload";
    static final String PARTS = "fanned_out_part";
    private static final String COLUMNS = "part_count, recorded, sent, result, claim_owner, claim_expires";

    private final DataSource dataSource;
    private final Clock clock;

    public JdbcFannedOutParts(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public JdbcFannedOutParts(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, UPLOADS, "CREATE TABLE " + UPLOADS + " ("
                + " upload_id VARCHAR(1024) PRIMARY KEY,"
                + " part_count INT NOT NULL,"
                + " recorded INT NOT NULL,"
                + " sent BOOLEAN NOT NULL,"
                + " result VARCHAR(4000),"
                + " claim_owner VARCHAR(255),"
                + " claim_expires BIGINT,"
                + " updated_at BIGINT NOT NULL)");
        Jdbc.ensureTable(dataSource, PARTS, "CREATE TABLE " + PARTS + " ("
                + " upload_id VARCHAR(1024) NOT NULL,"
                + " part_number INT NOT NULL,"
                + " etag VARCHAR(128) NOT NULL,"
                + " recorded_at BIGINT NOT NULL,"
                + " PRIMARY KEY (upload_id, part_number))");
    }

    @Override
    public Progress open(String uploadId, int partCount) {
        try {
            Jdbc.update(dataSource, "INSERT INTO " + UPLOADS + " (upload_id, " + COLUMNS + ", updated_at)"
                    + " VALUES (?, ?, 0, FALSE, NULL, NULL, NULL, ?)", uploadId, partCount, clock.millis());
        } catch (SQLException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw failure("register an upload", e);
            }
        }
        return progress(uploadId).orElseThrow(() -> new IllegalStateException("upload " + uploadId
                + " was forgotten while it was being registered"));
    }

    @Override
    public void sent(String uploadId) {
        update("mark sent", "UPDATE " + UPLOADS + " SET sent = TRUE, updated_at = ? WHERE upload_id = ?",
                clock.millis(), uploadId);
    }

    @Override
    public Progress record(String uploadId, int part, String etag) {
        long now = clock.millis();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Progress before;
                // The upload's row, locked until commit: the records of one upload go one at a time.
                try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM " + UPLOADS
                        + " WHERE upload_id = ? FOR UPDATE")) {
                    ps.setString(1, uploadId);
                    try (ResultSet rs = ps.executeQuery()) {
                        if (!rs.next()) {
                            c.rollback();
                            return null;
                        }
                        before = progress(rs);
                    }
                }
                boolean again;
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + PARTS + " SET etag = ?, recorded_at = ?"
                        + " WHERE upload_id = ? AND part_number = ?")) {
                    Jdbc.bind(ps, etag, now, uploadId, part);
                    again = ps.executeUpdate() > 0;
                }
                if (!again) {
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + PARTS
                            + " (upload_id, part_number, etag, recorded_at) VALUES (?,?,?,?)")) {
                        Jdbc.bind(ps, uploadId, part, etag, now);
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + UPLOADS + " SET recorded = recorded + ?,"
                        + " updated_at = ? WHERE upload_id = ?")) {
                    Jdbc.bind(ps, again ? 0 : 1, now, uploadId);
                    ps.executeUpdate();
                }
                c.commit();
                return new Progress(before.partCount(), before.recorded() + (again ? 0 : 1), before.sent(),
                        before.result(), before.claimExpires());
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure("record a part", e);
        }
    }

    @Override
    public Optional<Progress> progress(String uploadId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT " + COLUMNS + " FROM " + UPLOADS + " WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(progress(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw failure("read an upload", e);
        }
    }

    private Progress progress(ResultSet rs) throws SQLException {
        long expires = rs.getLong(6);
        boolean claimed = !rs.wasNull() && rs.getString(5) != null && expires >= clock.millis();
        return new Progress(rs.getInt(1), rs.getInt(2), rs.getBoolean(3), rs.getString(4),
                claimed ? Instant.ofEpochMilli(expires) : null);
    }

    @Override
    public SortedMap<Integer, String> etags(String uploadId) {
        SortedMap<Integer, String> out = new TreeMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT part_number, etag FROM " + PARTS + " WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getInt(1), rs.getString(2));
                }
            }
        } catch (SQLException e) {
            throw failure("read parts", e);
        }
        return out;
    }

    @Override
    public boolean claimCompletion(String uploadId, String owner, Duration ttl) {
        long now = clock.millis();
        return update("claim a completion", "UPDATE " + UPLOADS + " SET claim_owner = ?, claim_expires = ?,"
                + " updated_at = ? WHERE upload_id = ? AND recorded >= part_count AND result IS NULL"
                + " AND (claim_owner IS NULL OR claim_expires < ? OR claim_owner = ?)",
                owner, now + ttl.toMillis(), now, uploadId, now, owner) > 0;
    }

    @Override
    public void releaseCompletion(String uploadId, String owner) {
        update("release a claim", "UPDATE " + UPLOADS + " SET claim_owner = NULL, claim_expires = NULL"
                + " WHERE upload_id = ? AND claim_owner = ?", uploadId, owner);
    }

    @Override
    public boolean finishCompletion(String uploadId, String owner, String result) {
        return update("record an end", "UPDATE " + UPLOADS + " SET result = ?, claim_owner = NULL,"
                + " claim_expires = NULL, updated_at = ? WHERE upload_id = ? AND claim_owner = ? AND result IS NULL",
                result, clock.millis(), uploadId, owner) > 0;
    }

    @Override
    public boolean fail(String uploadId, String result) {
        return update("record an end", "UPDATE " + UPLOADS + " SET result = ?, updated_at = ?"
                + " WHERE upload_id = ? AND result IS NULL AND recorded < part_count",
                result, clock.millis(), uploadId) > 0;
    }

    @Override
    public void reopen(String uploadId, String result) {
        update("reopen an upload", "UPDATE " + UPLOADS + " SET result = NULL, sent = FALSE, updated_at = ?"
                + " WHERE upload_id = ? AND result = ?", clock.millis(), uploadId, result);
    }

    @Override
    public void forget(String uploadId) {
        // The upload's row first: a part recorded late finds no upload and is not counted.
        update("forget an upload", "DELETE FROM " + UPLOADS + " WHERE upload_id = ?", uploadId);
        update("forget parts", "DELETE FROM " + PARTS + " WHERE upload_id = ?", uploadId);
    }

    private int update(String what, String sql, Object... args) {
        try {
            return Jdbc.update(dataSource, sql, args);
        } catch (SQLException e) {
            throw failure(what, e);
        }
    }

    private static IllegalStateException failure(String what, SQLException e) {
        return new IllegalStateException("cannot " + what + " of a fanned-out upload: "
                + Jdbc.firstLine(e.getMessage()), e);
    }
}
