package io.s3replicator.state.jdbc;

import io.s3replicator.state.CopiedEtags;
import io.s3replicator.state.Sha256;
import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;

/**
 * {@link CopiedEtags} on JDBC: table {@code copied_etag}, one row per destination object;
 * {@code copied_at} (epoch millis) lets {@link JdbcRetention} expire it.
 */
public class JdbcCopiedEtags implements CopiedEtags {
    static final String TABLE = "copied_etag";
    private final DataSource dataSource;
    private final Clock clock;

    public JdbcCopiedEtags(DataSource dataSource) {
        this(dataSource, Clock.systemUTC());
    }

    public JdbcCopiedEtags(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
        Jdbc.ensureTable(dataSource, TABLE, """
                CREATE TABLE copied_etag (
                  id VARCHAR(64) PRIMARY KEY,
                  source_etag VARCHAR(128) NOT NULL,
                  destination_etag VARCHAR(128) NOT NULL,
                  copied_at BIGINT NOT NULL)""");
        // Rows of earlier releases count from now; the index is for the retention sweep.
        Jdbc.ensureColumn(dataSource, TABLE, "copied_at", "BIGINT", clock.millis());
        Jdbc.tryIndex(dataSource, "CREATE INDEX copied_etag_at ON copied_etag(copied_at)");
    }

    @Override
    public void copied(String bucket, String key, String sourceEtag, String destinationEtag) {
        String id = Sha256.hex(bucket, key);
        long now = clock.millis();
        try {
            Jdbc.upsert(dataSource,
                    "UPDATE copied_etag SET source_etag = ?, destination_etag = ?, copied_at = ? WHERE id = ?",
                    new Object[] {sourceEtag, destinationEtag, now, id},
                    "INSERT INTO copied_etag (id, source_etag, destination_etag, copied_at) VALUES (?,?,?,?)",
                    new Object[] {id, sourceEtag, destinationEtag, now});
        } catch (SQLException e) {
            throw new IllegalStateException("cannot record a copy's ETag: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }

    @Override
    public boolean isCopyOf(String bucket, String key, String sourceEtag, String destinationEtag) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT source_etag, destination_etag FROM copied_etag WHERE id = ?")) {
            ps.setString(1, Sha256.hex(bucket, key));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getString(1).equalsIgnoreCase(sourceEtag)
                        && rs.getString(2).equalsIgnoreCase(destinationEtag);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read a copy's ETag: " + Jdbc.firstLine(e.getMessage()), e);
        }
    }
}
