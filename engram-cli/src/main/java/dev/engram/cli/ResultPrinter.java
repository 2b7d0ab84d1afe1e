package dev.engram.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Prints a result set as an aligned table, CSV (RFC 4180) or a JSON array of objects. CSV and
 * JSON stream row by row; the table sizes its columns from the first {@value #TABLE_SAMPLE} rows
 * and streams the rest.
 */
final class ResultPrinter {
  /** Output formats. */
  enum Format { TABLE, CSV, JSON }

  static final int TABLE_SAMPLE = 1000;
  /** Longest value a table cell shows in full. */
  private static final int TABLE_CELL = 80;

  private ResultPrinter() {}

  /** Prints every row; returns the number of rows. */
  static long print(ResultSet rows, Format format, PrintStream out)
      throws SQLException, IOException {
    switch (format) {
      case CSV:
        return csv(rows, out);
      case JSON:
        return json(rows, out);
      default:
        return table(rows, out);
    }
  }

  private static long table(ResultSet rows, PrintStream out) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    int columns = meta.getColumnCount();
    int[] widths = new int[columns];
    String[] names = new String[columns];
    for (int c = 0; c < columns; c++) {
      names[c] = meta.getColumnLabel(c + 1);
      widths[c] = names[c].length();
    }
    List<String[]> sample = new ArrayList<>();
    boolean more = true;
    while (sample.size() < TABLE_SAMPLE && (more = rows.next())) {
      String[] row = cells(rows, columns);
      for (int c = 0; c < columns; c++) {
        widths[c] = Math.max(widths[c], row[c].length());
      }
      sample.add(row);
    }
    out.println(line(names, widths));
    StringBuilder rule = new StringBuilder();
    for (int c = 0; c < columns; c++) {
      rule.append(c == 0 ? "" : "-+-").append("-".repeat(widths[c]));
    }
    out.println(rule);
    long count = 0;
    for (String[] row : sample) {
      out.println(line(row, widths));
      count++;
    }
    while (more && rows.next()) {
      out.println(line(cells(rows, columns), widths));
      count++;
    }
    out.println("(" + count + (count == 1 ? " row)" : " rows)"));
    return count;
  }

  private static String[] cells(ResultSet rows, int columns) throws SQLException {
    String[] row = new String[columns];
    for (int c = 0; c < columns; c++) {
      Object value = rows.getObject(c + 1);
      String text = value == null ? "NULL"
          : value instanceof byte[] blob ? blobText(blob) : value.toString();
      text = text.replace('\n', ' ').replace('\r', ' ').replace('\t', ' ');
      row[c] = text.length() > TABLE_CELL ? text.substring(0, TABLE_CELL - 3) + "..." : text;
    }
    return row;
  }

  private static String blobText(byte[] blob) {
    return "x'" + HexFormat.of().formatHex(blob) + "'";
  }

  private static String line(String[] cells, int[] widths) {
    StringBuilder line = new StringBuilder();
    for (int c = 0; c < cells.length; c++) {
      if (c > 0) {
        line.append(" | ");
      }
      line.append(cells[c]);
      if (c < cells.length - 1) {
        line.append(" ".repeat(widths[c] - cells[c].length()));
      }
    }
    return line.toString();
  }

  private static long csv(ResultSet rows, PrintStream out) throws SQLException {
    ResultSetMetaData meta = rows.getMetaData();
    int columns = meta.getColumnCount();
    StringBuilder header = new StringBuilder();
    for (int c = 0; c < columns; c++) {
      header.append(c == 0 ? "" : ",").append(csvField(meta.getColumnLabel(c + 1)));
    }
    out.print(header.append("\r\n"));
    long count = 0;
    while (rows.next()) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columns; c++) {
        Object value = rows.getObject(c + 1);
        line.append(c == 0 ? "" : ",");
        if (value != null) {
          line.append(csvField(value instanceof byte[] blob ? HexFormat.of().formatHex(blob)
              : value.toString()));
        }
      }
      out.print(line.append("\r\n"));
      count++;
    }
    return count;
  }

  private static String csvField(String text) {
    boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0
        || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  private static long json(ResultSet rows, PrintStream out) throws SQLException, IOException {
    ResultSetMetaData meta = rows.getMetaData();
    int columns = meta.getColumnCount();
    ObjectMapper mapper = new ObjectMapper();
    long count = 0;
    out.print("[");
    while (rows.next()) {
      StringWriter row = new StringWriter();
      try (JsonGenerator json = mapper.getFactory().createGenerator(row)) {
        json.writeStartObject();
        for (int c = 0; c < columns; c++) {
          json.writeFieldName(meta.getColumnLabel(c + 1));
          writeValue(json, rows.getObject(c + 1));
        }
        json.writeEndObject();
      }
      out.print(count == 0 ? "\n  " : ",\n  ");
      out.print(row);
      count++;
    }
    out.println(count == 0 ? "]" : "\n]");
    return count;
  }

  private static void writeValue(JsonGenerator json, Object value) throws IOException {
    if (value == null) {
      json.writeNull();
    } else if (value instanceof Long || value instanceof Integer) {
      json.writeNumber(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (Double.isFinite(d)) {
        json.writeNumber(d);
      } else {
        json.writeString(Double.toString(d));
      }
    } else if (value instanceof byte[] blob) {
      json.writeString(HexFormat.of().formatHex(blob));
    } else {
      json.writeString(value.toString());
    }
  }
}
