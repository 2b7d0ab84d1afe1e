package dev.engram.manifest;

import java.util.Locale;
import java.util.Map;

/**
 * MIME types guessed from a file name's extension, for manifests. A fixed table rather than the
 * platform's, so the same input gives the same manifest everywhere. Thread-safe (stateless).
 */
public final class MimeTypes {
  private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
      Map.entry("txt", "text/plain"), Map.entry("md", "text/markdown"),
      Map.entry("csv", "text/csv"), Map.entry("tsv", "text/tab-separated-values"),
      Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
      Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"),
      Map.entry("ts", "text/typescript"), Map.entry("xml", "application/xml"),
      Map.entry("json", "application/json"), Map.entry("jsonl", "application/jsonl"),
      Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
      Map.entry("toml", "application/toml"), Map.entry("pdf", "application/pdf"),
      Map.entry("zip", "application/zip"), Map.entry("gz", "application/gzip"),
      Map.entry("bz2", "application/x-bzip2"), Map.entry("zst", "application/zstd"),
      Map.entry("tar", "application/x-tar"), Map.entry("wasm", "application/wasm"),
      Map.entry("db", "application/vnd.sqlite3"), Map.entry("sqlite", "application/vnd.sqlite3"),
      Map.entry("sqlite3", "application/vnd.sqlite3"), Map.entry("png", "image/png"),
      Map.entry("jpg", "image/jpeg"), Map.entry("jpeg", "image/jpeg"),
      Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
      Map.entry("svg", "image/svg+xml"), Map.entry("ico", "image/vnd.microsoft.icon"),
      Map.entry("mp3", "audio/mpeg"), Map.entry("wav", "audio/wav"), Map.entry("ogg", "audio/ogg"),
      Map.entry("mp4", "video/mp4"), Map.entry("webm", "video/webm"),
      Map.entry("bin", "application/octet-stream"), Map.entry("eng", "application/x-engram"));

  private MimeTypes() {}

  /**
   * Guesses a MIME type from the extension of the last path component.
   *
   * @param path an entry path
   * @return the type, or null when the extension is unknown
   */
  public static String guess(String path) {
    String name = path.substring(path.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    return dot < 0 ? null : BY_EXTENSION.get(name.substring(dot + 1).toLowerCase(Locale.ROOT));
  }
}
