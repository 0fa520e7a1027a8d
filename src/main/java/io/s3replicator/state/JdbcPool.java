package io.s3replicator.state;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A small connection pool for {@code s3replicator.state.kind=jdbc} (no pool library is a
 * dependency, and opening a connection per statement would cost a database login each time).
 * At most {@code max} connections; an idle one is checked before reuse; closing a borrowed
 * connection returns it. Every statement here is auto-commit, so nothing else needs resetting.
 */
final class JdbcPool implements DataSource, AutoCloseable {
    private static final long CHECK_AFTER_IDLE_MILLIS = 30_000;

    private record Idle(Connection connection, long since) {
    }

    private final String url;
    private final String user;
    private final String password;
    private final Semaphore permits;
    private final ConcurrentLinkedDeque<Idle> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    JdbcPool(String url, String user, String password, int max) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.permits = new Semaphore(max, true);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLException("the state database pool is closed");
        }
        try {
            if (!permits.tryAcquire(30, TimeUnit.SECONDS)) {
                throw new SQLException("no state database connection free after 30 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted waiting for a state database connection", e);
        }
        try {
            return borrowed(reuseOrOpen());
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection reuseOrOpen() throws SQLException {
        for (Idle i; (i = idle.pollFirst()) != null; ) {
            boolean usable;
            try {
                usable = System.currentTimeMillis() - i.since() < CHECK_AFTER_IDLE_MILLIS ? !i.connection().isClosed()
                        : i.connection().isValid(5);
            } catch (SQLException e) {
                usable = false;
            }
            if (usable) {
                return i.connection();
            }
            quietlyClose(i.connection());
        }
        return user == null ? DriverManager.getConnection(url) : DriverManager.getConnection(url, user, password);
    }

    /** A view of the connection whose close() hands it back (once). */
    private Connection borrowed(Connection real) {
        boolean[] returned = {false};
        return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "close" -> {
                            if (!returned[0]) {
                                returned[0] = true;
                                giveBack(real);
                            }
                            return null;
                        }
                        case "isClosed" -> {
                            return returned[0] || real.isClosed();
                        }
                        default -> {
                            if (returned[0] && method.getDeclaringClass() != Object.class) {
                                throw new SQLException("connection already returned to the pool");
                            }
                            try {
                                return method.invoke(real, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        }
                    }
                });
    }

    private void giveBack(Connection real) {
        try {
            if (closed || real.isClosed() || !real.getAutoCommit()) {
                quietlyClose(real);
            } else {
                idle.addFirst(new Idle(real, System.currentTimeMillis()));
            }
        } catch (SQLException e) {
            quietlyClose(real);
        } finally {
            permits.release();
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Idle i; (i = idle.pollFirst()) != null; ) {
            quietlyClose(i.connection());
        }
    }

    private static void quietlyClose(Connection c) {
        try {
            c.close();
        } catch (SQLException ignored) {
            // going away anyway
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the state pool has one login");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // no log writer
    }

    @Override
    public void setLoginTimeout(int seconds) {
        DriverManager.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() {
        return DriverManager.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        throw new SQLException("not a wrapper");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return false;
    }
}
