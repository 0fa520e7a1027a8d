package io.s3replicator.state;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** {@link CopiedEtags} on JDBC: table {@code copied_etag}, one row per destination object. */
public class JdbcCopiedEtags implements CopiedEtags {
    static final String TABLE = "copied_etag";
    private final DataSource dataSource;

    public JdbcCopiedEtags(DataSource dataSource) {
        this.dataSource = dataSource;
        Jdbc.ensureTable(dataSource, TABLE, """
                CREATE TABLE copied_etag (
                  id VARCHAR(64) PRIMARY KEY,
                  source_etag VARCHAR(128) NOT NULL,
                  destination_etag VARCHAR(128) NOT NULL)""");
    }

    @Override
    public void copied(String bucket, String key, String sourceEtag, String destinationEtag) {
        String id = Sha256.hex(bucket, key);
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                if (Jdbc.update(dataSource, "UPDATE copied_etag SET source_etag = ?, destination_etag = ? WHERE id = ?",
                        sourceEtag, destinationEtag, id) > 0) {
                    return;
                }
                try {
                    Jdbc.update(dataSource, "INSERT INTO copied_etag (id, source_etag, destination_etag) VALUES (?,?,?)",
                            id, sourceEtag, destinationEtag);
                    return;
                } catch (SQLException e) {
                    if (!Jdbc.isUniqueViolation(e)) {
                        throw e;
                    }
                }
            }
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
