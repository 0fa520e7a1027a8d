package io.s3replicator.state.jdbc;

import io.s3replicator.state.CheckpointStore;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link CheckpointStore} on JDBC: table {@code multipart_upload}. (Earlier releases also wrote
 * one {@code multipart_part} row per part, which nothing read; such a table is left alone.)
 */
public class JdbcCheckpointStore implements CheckpointStore {
    private final DataSource dataSource;

    public JdbcCheckpointStore(DataSource dataSource) {
        this.dataSource = dataSource;
        Jdbc.ensureTable(dataSource, "multipart_upload", """
                CREATE TABLE multipart_upload (
                  upload_id VARCHAR(1024) PRIMARY KEY,
                  destination_bucket VARCHAR(255) NOT NULL,
                  destination_key VARCHAR(4096) NOT NULL,
                  source_etag VARCHAR(128) NOT NULL,
                  part_size BIGINT NOT NULL,
                  started_at TIMESTAMP NOT NULL)""",
                "CREATE INDEX multipart_upload_key ON multipart_upload(destination_bucket, destination_key)");
    }

    @Override
    public List<Upload> uploadsFor(String bucket, String key) {
        List<Upload> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT upload_id, source_etag, part_size FROM multipart_upload
                WHERE destination_bucket = ? AND destination_key = ? ORDER BY started_at""")) {
            ps.setString(1, bucket);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Upload(bucket, key, rs.getString(2), rs.getString(1), rs.getLong(3)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read multipart checkpoints: " + Jdbc.firstLine(e.getMessage()), e);
        }
        return out;
    }

    @Override
    public void started(Upload u) {
        update("INSERT INTO multipart_upload (upload_id, destination_bucket, destination_key, source_etag, part_size,"
                + " started_at) VALUES (?,?,?,?,?,?)", u.uploadId(), u.destinationBucket(), u.destinationKey(),
                u.sourceEtag(), u.partSize(), Timestamp.from(Instant.now()));
    }

    @Override
    public void forget(String uploadId) {
        update("DELETE FROM multipart_upload WHERE upload_id = ?", uploadId);
    }

    private int update(String sql, Object... args) {
        try {
            return Jdbc.update(dataSource, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write multipart checkpoint: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }
}
