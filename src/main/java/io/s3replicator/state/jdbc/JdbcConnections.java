package io.s3replicator.state.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.s3replicator.model.ConfigException;

import java.sql.SQLException;

/**
 * The connection pool of a JDBC state store (HikariCP): the embedded H2 file and
 * {@code s3replicator.state.kind=jdbc} alike. Opening it makes one connection, so an unreachable
 * database, a wrong login or an H2 file another process holds fails here, as one clear line
 * naming the setting to fix.
 */
public final class JdbcConnections {
    private JdbcConnections() {
    }

    public static HikariDataSource open(String url, String user, String password, int maxConnections, String setting,
                                        String what) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setPoolName("state");
        config.setMaximumPoolSize(maxConnections);
        // Connections are opened as the workers need them, not all at start (an H2 file pays for each).
        config.setMinimumIdle(2);
        // Every statement of the stores is auto-commit unless a store says otherwise and restores it.
        config.setAutoCommit(true);
        try {
            return new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new ConfigException(setting, what + ": " + Jdbc.firstLine(driverMessage(e)));
        }
    }

    /** HikariCP wraps the driver's SQLException: its message is what a user can act on. */
    private static String driverMessage(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException) {
                return cause.getMessage();
            }
        }
        return String.valueOf(e.getMessage());
    }
}
