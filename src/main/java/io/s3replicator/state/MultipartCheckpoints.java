package io.s3replicator.state;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Multipart checkpoints (DESIGN.md section 5): which upload id and part size belong to a
 * destination bucket + key + source ETag, and which parts we sent. After a restart ListParts
 * at the destination is the truth; these rows say where to look and what part size to keep.
 */
public class MultipartCheckpoints {
    /** A started upload. */
    public record Upload(String destinationBucket, String destinationKey, String sourceEtag, String uploadId,
                         long partSize) {
    }

    private final DataSource dataSource;

    public MultipartCheckpoints(DataSource dataSource) {
        this.dataSource = dataSource;
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("""
                CREATE TABLE IF NOT EXISTS multipart_upload (
                  upload_id VARCHAR(1024) PRIMARY KEY,
                  destination_bucket VARCHAR(255) NOT NULL,
                  destination_key VARCHAR(4096) NOT NULL,
                  source_etag VARCHAR(128) NOT NULL,
                  part_size BIGINT NOT NULL,
                  started_at TIMESTAMP NOT NULL)""");
            s.execute("CREATE INDEX IF NOT EXISTS multipart_upload_key ON multipart_upload(destination_bucket, destination_key)");
            s.execute("""
                CREATE TABLE IF NOT EXISTS multipart_part (
                  upload_id VARCHAR(1024) NOT NULL,
                  part_number INT NOT NULL,
                  etag VARCHAR(128) NOT NULL,
                  PRIMARY KEY (upload_id, part_number))""");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create the multipart checkpoint tables: " + e.getMessage(), e);
        }
    }

    /** Every upload recorded for this destination object, whatever source version it was for. */
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
            throw new IllegalStateException("cannot read multipart checkpoints: " + e.getMessage(), e);
        }
        return out;
    }

    public Optional<Upload> find(String bucket, String key, String sourceEtag) {
        return uploadsFor(bucket, key).stream().filter(u -> u.sourceEtag().equals(sourceEtag)).findFirst();
    }

    public void started(Upload u) {
        update("INSERT INTO multipart_upload (upload_id, destination_bucket, destination_key, source_etag, part_size,"
                + " started_at) VALUES (?,?,?,?,?,?)", u.uploadId(), u.destinationBucket(), u.destinationKey(),
                u.sourceEtag(), u.partSize(), Timestamp.from(Instant.now()));
    }

    public void partDone(String uploadId, int partNumber, String etag) {
        update("MERGE INTO multipart_part (upload_id, part_number, etag) KEY (upload_id, part_number) VALUES (?,?,?)",
                uploadId, partNumber, etag);
    }

    /** Parts we recorded as sent (informational: ListParts decides what the store holds). */
    public int partsRecorded(String uploadId) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*) FROM multipart_part WHERE upload_id = ?")) {
            ps.setString(1, uploadId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read multipart checkpoints: " + e.getMessage(), e);
        }
    }

    /** The upload completed or was aborted: forget it. */
    public void forget(String uploadId) {
        update("DELETE FROM multipart_part WHERE upload_id = ?", uploadId);
        update("DELETE FROM multipart_upload WHERE upload_id = ?", uploadId);
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot write multipart checkpoint: " + e.getMessage(), e);
        }
    }
}
