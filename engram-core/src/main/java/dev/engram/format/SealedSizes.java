package dev.engram.format;

/**
 * How the encryption around stored payloads changes their size: what {@link Directory} needs to
 * judge whether an entry's stored size is possible. Implemented by each encryption mode (none,
 * one sealed message, authenticated segments).
 */
public interface SealedSizes {
  /**
   * Says whether payloads carry anything around what the codec produced (for messages).
   *
   * @return false when payloads are stored as the codec produced them
   */
  boolean wrapsPayloads();

  /**
   * Returns the stored size of a payload of {@code plainLength} bytes written in one piece.
   *
   * @param plainLength the payload as the codec produced it
   * @return its stored size, or {@link Long#MAX_VALUE} if that does not fit in a {@code long}
   */
  long sealedSize(long plainLength);

  /**
   * Returns the fewest plain bytes a stored payload of {@code storedSize} bytes can carry.
   *
   * @param storedSize the payload's stored size
   * @param frames the frame count of a framed payload, or -1 for a payload in one piece
   * @return the least plain size; negative if the stored size cannot even hold the encryption
   */
  long leastPlainSize(long storedSize, long frames);

  /**
   * Returns the most plain bytes a stored payload of {@code storedSize} bytes can carry.
   *
   * @param storedSize the payload's stored size
   * @param frames the frame count of a framed payload, or -1 for a payload in one piece
   * @return the most plain size; negative if the stored size cannot even hold the encryption
   */
  long mostPlainSize(long storedSize, long frames);
}
