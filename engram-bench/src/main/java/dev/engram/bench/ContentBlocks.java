package dev.engram.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Realistic-looking content, made quickly: one 8 MiB block per {@link ContentKind} (pseudo-English
 * text with a Zipf-distributed vocabulary, JSON records, CSV rows, random bytes), from which files
 * are cut as slices at random offsets. Deterministic for a seed. The CSV block is made on first
 * use, from a generator of its own, so that the other blocks are what they were before it existed.
 */
final class ContentBlocks {
  private static final int BLOCK = 8 << 20;
  private static final String[] SYLLABLES = {"en", "gram", "ar", "chive", "frame", "to", "the",
      "of", "know", "ledge", "com", "press", "ran", "dom", "ac", "cess", "di", "rec", "tor", "y",
      "en", "try", "que", "ry", "da", "ta", "stre", "am", "thre", "ad", "po", "ol", "or", "der",
      "me", "mo", "bo", "und", "wri", "ter", "rea", "in", "dex", "ion", "al", "ly", "ment", "ing"};
  private static final int VOCABULARY = 5000;
  private static final String[] STATUSES = {"shipped", "delivered", "pending", "returned"};

  private final Map<ContentKind, byte[]> blocks = new EnumMap<>(ContentKind.class);
  private final long seed;
  private final String[] words;
  private final double[] cumulativeWeights;

  ContentBlocks(long seed) {
    this.seed = seed;
    SplittableRandom random = new SplittableRandom(seed);
    words = new String[VOCABULARY];
    cumulativeWeights = new double[VOCABULARY];
    double total = 0;
    for (int rank = 0; rank < VOCABULARY; rank++) {
      StringBuilder word = new StringBuilder();
      for (int n = 1 + random.nextInt(1 + rank % 4); n > 0; n--) {
        word.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
      }
      words[rank] = word.toString();
      total += 1.0 / (rank + 1); // Zipf: the k-th most common word appears ~1/k as often
      cumulativeWeights[rank] = total;
    }
    blocks.put(ContentKind.TEXT, text(random));
    blocks.put(ContentKind.JSON, json(random));
    byte[] binary = new byte[BLOCK];
    random.nextBytes(binary);
    blocks.put(ContentKind.BINARY, binary);
  }

  /** Returns {@code size} bytes (at most 4 MiB) of one kind, sliced at a random offset. */
  byte[] bytes(ContentKind kind, int size, SplittableRandom random) {
    if (size > BLOCK / 2) {
      throw new IllegalArgumentException("at most " + BLOCK / 2 + " bytes: " + size);
    }
    int offset = random.nextInt(BLOCK / 2);
    return Arrays.copyOfRange(block(kind), offset, offset + size);
  }

  /** Writes {@code size} bytes of one kind to a new file, in slices at random offsets. */
  long write(Path file, ContentKind kind, long size, SplittableRandom random) throws IOException {
    Files.createDirectories(file.getParent());
    byte[] block = block(kind);
    try (OutputStream out = Files.newOutputStream(file)) {
      long left = size;
      while (left > 0) {
        int offset = random.nextInt(BLOCK / 2);
        int n = (int) Math.min(left, BLOCK - offset);
        out.write(block, offset, n);
        left -= n;
      }
    }
    return size;
  }

  /** Returns a sentence of 4 to 20 words, capitalized, with a full stop. */
  String sentence(SplittableRandom random) {
    StringBuilder out = new StringBuilder();
    int count = 4 + random.nextInt(17);
    for (int i = 0; i < count; i++) {
      String word = word(random);
      if (i == 0) {
        out.append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
      } else {
        out.append(random.nextInt(12) == 0 ? ", " : " ").append(word);
      }
    }
    return out.append('.').toString();
  }

  private String word(SplittableRandom random) {
    double pick = random.nextDouble() * cumulativeWeights[VOCABULARY - 1];
    int rank = Arrays.binarySearch(cumulativeWeights, pick);
    return words[rank >= 0 ? rank : Math.min(-rank - 1, VOCABULARY - 1)];
  }

  private byte[] block(ContentKind kind) {
    return blocks.computeIfAbsent(kind, missing -> csv(new SplittableRandom(seed ^ 0x5eed_c5f)));
  }

  private byte[] text(SplittableRandom random) {
    StringBuilder out = new StringBuilder(BLOCK + 1024);
    while (out.length() < BLOCK) {
      for (int sentences = 2 + random.nextInt(8); sentences > 0; sentences--) {
        out.append(sentence(random)).append(' ');
      }
      out.setCharAt(out.length() - 1, '\n');
      out.append('\n');
    }
    return out.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
  }

  private byte[] json(SplittableRandom random) {
    StringBuilder out = new StringBuilder(BLOCK + 1024);
    for (long id = 1; out.length() < BLOCK; id++) {
      String name = word(random);
      out.append(String.format(Locale.ROOT,
          "{\"id\":%d,\"name\":\"%s %s\",\"email\":\"%s%d@example.org\",\"score\":%.3f,"
              + "\"created\":\"2025-%02d-%02dT%02d:%02d:00Z\",\"tags\":[\"%s\",\"%s\"],"
              + "\"active\":%b,\"note\":\"%s\"}\n",
          id, name, word(random), name, random.nextInt(1000), random.nextDouble() * 100,
          1 + random.nextInt(12), 1 + random.nextInt(28), random.nextInt(24), random.nextInt(60),
          word(random), word(random), random.nextBoolean(), sentence(random)));
    }
    return out.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
  }

  private byte[] csv(SplittableRandom random) {
    StringBuilder out = new StringBuilder(BLOCK + 1024);
    out.append("order_id,date,customer,email,category,quantity,unit_price,status,comment\n");
    for (long id = 1; out.length() < BLOCK; id++) {
      String customer = word(random);
      out.append(String.format(Locale.ROOT, "%d,2025-%02d-%02d,%s %s,%s%d@example.org,%s,%d,%.2f,%s,"
              + "\"%s\"\n",
          id, 1 + random.nextInt(12), 1 + random.nextInt(28), customer, word(random), customer,
          random.nextInt(1000), words[random.nextInt(40)], 1 + random.nextInt(20),
          random.nextDouble() * 500, STATUSES[random.nextInt(STATUSES.length)],
          sentence(random)));
    }
    return out.substring(0, BLOCK).getBytes(StandardCharsets.US_ASCII);
  }
}
