/**
 * Engram archives as {@code java.nio.file} file systems: {@link
 * dev.engram.nio.EngramFileSystemProvider} (the {@code engram} URI scheme), {@link
 * dev.engram.nio.EngramFileSystem}, and the {@code engram} attribute view ({@link
 * dev.engram.nio.EngramFileAttributeView}, {@link dev.engram.nio.EngramFileAttributes}). Any
 * library that reads {@link java.nio.file.Path}s reads the files of an archive through them, and
 * one that writes them changes or creates an archive, written when the file system closes.
 */
package dev.engram.nio;
