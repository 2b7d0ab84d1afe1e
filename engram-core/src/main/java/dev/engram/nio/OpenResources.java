package dev.engram.nio;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;

/**
 * The channels, streams and directory streams open on a file system, to be closed with it. A
 * linked list under a lock held only to link or unlink one node: opening and closing a channel
 * costs two short critical sections and no hashing, and reads never touch it.
 *
 * <p>Thread-safe.
 */
final class OpenResources {
  /** One registered resource; unlinked when it closes. */
  static final class Link {
    private final Closeable resource;
    private Link previous;
    private Link next;

    private Link(Closeable resource) {
      this.resource = resource;
    }
  }

  /** Sentinel of a circular list. */
  private final Link head = new Link(null);
  private int size;

  OpenResources() {
    head.previous = head;
    head.next = head;
  }

  synchronized Link add(Closeable resource) {
    Link link = new Link(resource);
    link.previous = head.previous;
    link.next = head;
    head.previous.next = link;
    head.previous = link;
    size++;
    return link;
  }

  /** Unlinks a resource; does nothing if it was unlinked already. */
  synchronized void remove(Link link) {
    if (link.next != null) {
      link.previous.next = link.next;
      link.next.previous = link.previous;
      link.previous = null;
      link.next = null;
      size--;
    }
  }

  /** Unlinks every resource and returns them, to be closed outside the lock. */
  synchronized List<Closeable> removeAll() {
    List<Closeable> all = new ArrayList<>(size);
    for (Link link = head.next; link != head; ) {
      Link next = link.next;
      all.add(link.resource);
      link.previous = null;
      link.next = null;
      link = next;
    }
    head.previous = head;
    head.next = head;
    size = 0;
    return all;
  }

  synchronized int size() {
    return size;
  }
}
