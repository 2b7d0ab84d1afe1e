package dev.engram.bench;

/** The kinds of generated content, each with the file extension it is stored under. */
enum ContentKind {
  TEXT(".txt"),
  JSON(".json"),
  /** Comma-separated rows of orders (made on first use: data generated earlier stays the same). */
  CSV(".csv"),
  BINARY(".bin");

  private final String extension;

  ContentKind(String extension) {
    this.extension = extension;
  }

  String extension() {
    return extension;
  }
}
