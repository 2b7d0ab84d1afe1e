package dev.engram.manifest;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Defensive copies shared by the model records. */
final class Fields {
  private Fields() {}

  /** An unmodifiable copy that keeps the order of the fields. */
  static Map<String, String> unknown(Map<String, String> fields) {
    if (fields == null || fields.isEmpty()) {
      return Map.of();
    }
    return Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  /** An unmodifiable copy without nulls. */
  static <T> List<T> list(List<T> values, String name) {
    Objects.requireNonNull(values, name);
    return List.copyOf(values);
  }
}
