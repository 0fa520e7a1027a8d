package io.s3replicator.state.jdbc;

import io.s3replicator.store.S3Errors;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/** Small JDBC helpers shared by the JDBC stores. Only SQL that H2 and PostgreSQL both accept. */
public final class Jdbc {
    private Jdbc() {
    }

    /** SQLSTATE class 23 is "integrity constraint violation": a concurrent insert of the same key. */
    static boolean isUniqueViolation(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (x.getSQLState() != null && x.getSQLState().startsWith("23")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Creates a table (and its indexes) unless it exists. Probing first, rather than CREATE ... IF
     * NOT EXISTS alone, lets a database user without DDL rights use tables an administrator made.
     */
    static void ensureTable(DataSource dataSource, String table, String... ddl) {
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT COUNT(*) FROM " + table + " WHERE 1 = 0").close();
                return;
            } catch (SQLException missing) {
                // fall through and create it
            }
            try (Statement s = c.createStatement()) {
                for (String statement : ddl) {
                    s.execute(statement);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create table " + table + ": " + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Adds a column to a table an earlier release created without it, every row set to
     * {@code value}. (A new table has it from its CREATE TABLE.)
     */
    static void ensureColumn(DataSource dataSource, String table, String column, String type, Object value) {
        try (Connection c = dataSource.getConnection()) {
            try (Statement s = c.createStatement()) {
                s.executeQuery("SELECT " + column + " FROM " + table + " WHERE 1 = 0").close();
                return;
            } catch (SQLException missing) {
                // fall through and add it
            }
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE " + table + " SET " + column + " = ?")) {
                bind(ps, value);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot add column " + column + " to " + table + ": "
                    + firstLine(e.getMessage()), e);
        }
    }

    /**
     * Creates an index on a table an earlier release created without it. Best effort, and it fails
     * on every later start (the index exists; no portable IF NOT EXISTS): an index only makes the
     * retention sweep cheaper.
     */
    static void tryIndex(DataSource dataSource, String ddl) {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute(ddl);
        } catch (SQLException exists) {
            // there already, or not allowed: the sweep scans instead
        }
    }

    /**
     * Updates a row, or inserts it when there is none. A concurrent insert of the same key (a
     * unique violation) makes it try the update again, at most three times.
     *
     * @param update an UPDATE of the row by its key, with {@code updateArgs}
     * @param insert the INSERT of the whole row, with {@code insertArgs}
     */
    static void upsert(DataSource dataSource, String update, Object[] updateArgs, String insert, Object[] insertArgs)
            throws SQLException {
        for (int attempt = 0; attempt < 3; attempt++) {
            if (update(dataSource, update, updateArgs) > 0) {
                return;
            }
            try {
                update(dataSource, insert, insertArgs);
                return;
            } catch (SQLException e) {
                if (!isUniqueViolation(e)) {
                    throw e;
                }
            }
        }
        throw new SQLException("the row kept changing under three attempts");
    }

    static int update(DataSource dataSource, String sql, Object... args) throws SQLException {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        }
    }

    static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            ps.setObject(i + 1, args[i]);
        }
    }

    /** Database messages often run over lines (H2 appends the SQL): the first one. */
    public static String firstLine(String text) {
        return S3Errors.firstLine(text);
    }
}
