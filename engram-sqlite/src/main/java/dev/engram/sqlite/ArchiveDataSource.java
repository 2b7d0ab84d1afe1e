package dev.engram.sqlite;

import java.io.IOException;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Connections to one database in an archive, as a {@link DataSource}. Thread-safe; valid while
 * its {@link VfsReader} is open.
 */
final class ArchiveDataSource implements DataSource {
  private final VfsReader reader;
  private final String path;
  private volatile PrintWriter logWriter;
  private volatile int loginTimeout;

  ArchiveDataSource(VfsReader reader, String path) {
    this.reader = reader;
    this.path = path;
  }

  @Override
  public Connection getConnection() throws SQLException {
    try {
      return reader.openDatabase(path);
    } catch (IOException e) {
      throw new SQLException("cannot open database '" + path + "' in "
          + reader.archive().name() + ": " + e.getMessage(), "08001", e);
    } catch (IllegalStateException e) {
      throw new SQLException(e.getMessage(), "08003", e);
    }
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    return getConnection();
  }

  @Override
  public PrintWriter getLogWriter() {
    return logWriter;
  }

  @Override
  public void setLogWriter(PrintWriter out) {
    this.logWriter = out;
  }

  @Override
  public void setLoginTimeout(int seconds) {
    this.loginTimeout = seconds;
  }

  @Override
  public int getLoginTimeout() {
    return loginTimeout;
  }

  @Override
  public Logger getParentLogger() {
    return Logger.getLogger(getClass().getPackageName());
  }

  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    throw new SQLException("not a wrapper for " + iface.getName());
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) {
    return iface.isInstance(this);
  }

  @Override
  public String toString() {
    return "ArchiveDataSource[" + path + " in " + reader.archive().name() + "]";
  }
}
