package dev.engram;

/**
 * How an archive is encrypted (AES-256-GCM), as the header's flags record it.
 */
public enum EncryptionMode {
  /**
   * Each entry's payload is its own AES-GCM message. The directory stays readable: paths, sizes
   * and checksums are visible, and an entry can be read without decrypting the others.
   */
  PER_FILE,
  /**
   * The whole archive body (entries and directory) is one AES-GCM message: names are hidden too.
   * Reading decrypts the body once, to a private temporary file.
   */
  ARCHIVE
}
