package dev.engram.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.reflect.Field;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How a {@link ChannelSource} gets over a channel closed under it (as an interrupt of the thread
 * reading it closes an interruptible one): it reopens the same file, and only the same file.
 */
class ChannelSourceTest {
  private final byte[] bytes = new byte[100_000];
  private FileSystem fs;
  private Path path;

  @BeforeEach
  void writeFile() throws IOException {
    new Random(1).nextBytes(bytes);
    fs = Jimfs.newFileSystem(Configuration.unix());
    path = fs.getPath("/file.bin");
    Files.write(path, bytes);
    Files.setLastModifiedTime(path, FileTime.fromMillis(1_000_000));
  }

  @AfterEach
  void closeFileSystem() throws IOException {
    fs.close();
  }

  /** The channel the source reads now (a private field: no API shows it). */
  private static SeekableByteChannel channelOf(ChannelSource source) throws Exception {
    Field field = ChannelSource.class.getDeclaredField("channel");
    field.setAccessible(true);
    return (SeekableByteChannel) field.get(source);
  }

  /** Closes the source's channel, as an interrupt during a read closes an interruptible one. */
  private static void loseChannel(ChannelSource source) throws Exception {
    channelOf(source).close();
  }

  private byte[] read(ChannelSource source, int position, int length) throws IOException {
    byte[] out = new byte[length];
    source.readFully(position, out, 0, length);
    return out;
  }

  @Test
  void aChannelClosedUnderTheSourceIsReopened() throws Exception {
    try (ChannelSource source = ChannelSource.open(path)) {
      loseChannel(source);
      assertArrayEquals(Arrays.copyOfRange(bytes, 500, 1500), read(source, 500, 1000));
      loseChannel(source);
      assertArrayEquals(Arrays.copyOfRange(bytes, 0, 10), read(source, 0, 10));
    }
  }

  @Test
  void aChangedFileIsNotReopened() throws Exception {
    try (ChannelSource source = ChannelSource.open(path)) {
      loseChannel(source);
      Files.setLastModifiedTime(path, FileTime.fromMillis(2_000_000));
      IOException e = assertThrows(IOException.class, () -> read(source, 0, 10));
      assertTrue(e.getMessage().startsWith("/file.bin was replaced or changed while open"),
          e.getMessage());
      // the same file again (as far as its attributes tell): the next read reopens it
      Files.setLastModifiedTime(path, FileTime.fromMillis(1_000_000));
      assertArrayEquals(Arrays.copyOfRange(bytes, 0, 10), read(source, 0, 10));

      loseChannel(source);
      Files.write(path, Arrays.copyOf(bytes, 99_999));
      Files.setLastModifiedTime(path, FileTime.fromMillis(1_000_000));
      assertThrows(IOException.class, () -> read(source, 0, 10), "a file of another size");
    }
  }

  @Test
  void anInterruptedThreadFailsAloneWithoutClosingTheChannel() throws Exception {
    try (ChannelSource source = ChannelSource.open(path)) {
      SeekableByteChannel before = channelOf(source);
      Thread.currentThread().interrupt();
      assertThrows(InterruptedIOException.class, () -> read(source, 0, 10));
      assertTrue(Thread.interrupted(), "the interrupt is kept");
      assertSame(before, channelOf(source));
      assertTrue(before.isOpen(), "not closed for the other threads");
      assertArrayEquals(Arrays.copyOfRange(bytes, 0, 10), read(source, 0, 10));
    }
  }

  @Test
  void closingClosesTheChannelAndEndsReads() throws Exception {
    ChannelSource source = ChannelSource.open(path);
    SeekableByteChannel channel = channelOf(source);
    source.close();
    assertFalse(channel.isOpen());
    assertFalse(source.isOpen());
    assertThrows(IllegalStateException.class, () -> read(source, 0, 10));
  }
}
