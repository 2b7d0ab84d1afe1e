package dev.engram.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Writing and reading {@code engram:} URIs: every path survives, and bad URIs are named. */
class ArchiveUrisTest {
  private static final URI ARCHIVE = URI.create("file:///data/my%20docs!.eng");

  @Test
  void everyPathRoundTripsWhateverItsCharacters() {
    Random random = new Random(16);
    String alphabet = "aZ0/ !#%?&=+;:@$'()*,~-._\\[]{}^`|\"<>\u00e9\u20ac\u65e5\ud83d\ude00\t";
    for (int i = 0; i < 5_000; i++) {
      StringBuilder path = new StringBuilder("/");
      int length = random.nextInt(12);
      for (int j = 0; j < length; j++) {
        int k = random.nextInt(alphabet.length());
        char c = alphabet.charAt(k);
        path.append(c);
        if (Character.isHighSurrogate(c)) {
          path.append(alphabet.charAt(k + 1));
        }
      }
      String p = path.toString().replaceAll("[\ud83d](?![\ude00])|(?<![\ud83d])[\ude00]", "x");
      URI uri = ArchiveUris.entryUri(ARCHIVE, p);
      String ascii = uri.toASCIIString();
      assertTrue(ascii.chars().allMatch(c -> c > ' ' && c < 127), ascii);
      ArchiveUris.Parsed parsed = ArchiveUris.parse(URI.create(uri.toString()));
      assertEquals(ARCHIVE, parsed.archive(), uri.toString());
      assertEquals(p, parsed.entryPath(), uri.toString());
    }
  }

  @Test
  void theSeparatorIsTheLastBangSlashSoNestedArchiveUrisKeepTheirs() {
    URI nested = URI.create("jar:file:///x/a%20b.zip!/inner/docs.eng");
    URI uri = ArchiveUris.entryUri(nested, "/notes/n!/x.txt");
    assertEquals("engram:jar:file:///x/a%20b.zip!/inner/docs.eng!/notes/n%21/x.txt",
        uri.toString());
    ArchiveUris.Parsed parsed = ArchiveUris.parse(uri);
    assertEquals(nested, parsed.archive());
    assertEquals("/notes/n!/x.txt", parsed.entryPath());
  }

  @Test
  void aUriThatNamesOnlyTheArchiveHasNoEntryPath() {
    ArchiveUris.Parsed parsed = ArchiveUris.parse(URI.create("engram:file:///data/docs.eng"));
    assertEquals(URI.create("file:///data/docs.eng"), parsed.archive());
    assertNull(parsed.entryPath());
    assertEquals("/", ArchiveUris.parse(URI.create("engram:file:///data/docs.eng!/"))
        .entryPath());
  }

  @Test
  void badUrisAreRefusedSayingWhatIsWrong() {
    assertMessage("not an engram: URI", "jar:file:///a.zip!/x");
    assertMessage("no fragment", "engram:file:///a.eng!/x#y");
    assertMessage("names no archive", "engram:!/x");
    assertMessage("has no scheme", "engram:docs.eng!/x");
    assertMessage("not UTF-8", "engram:file:///a.eng!/x%ff");
  }

  private static void assertMessage(String expected, String uri) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ArchiveUris.parse(URI.create(uri)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
