package dev.engram.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Times contenders side by side: each is warmed up once, then every round runs each contender
 * once, in turn, so that a slow spell of a shared machine hits all of them alike. Reports the
 * median time of each contender over the rounds.
 */
final class Rounds {
  /** Work to time. */
  @FunctionalInterface
  interface Task {
    void run() throws Exception;
  }

  private record Contender(Task before, Task warmUp, Task timed, Task after) {}

  private final int runs;
  private final Map<String, Contender> contenders = new LinkedHashMap<>();

  Rounds(int runs) {
    this.runs = runs;
  }

  /** Adds a contender warmed up by running it once untimed. */
  Rounds add(String name, Task task) {
    return add(name, task, task);
  }

  /** Adds a contender with a cheaper warm-up (e.g. the same work on part of the data). */
  Rounds add(String name, Task warmUp, Task timed) {
    return add(name, warmUp, timed, () -> { });
  }

  /**
   * Adds a contender with a cheaper warm-up and work to do, untimed, after its warm-up and after
   * each timed run (e.g. deleting its output, so that the next contender does not pay for
   * replacing it).
   */
  Rounds add(String name, Task warmUp, Task timed, Task after) {
    return add(name, () -> { }, warmUp, timed, after);
  }

  /**
   * Adds a contender with work to do, untimed, before its warm-up and before each timed run too
   * (e.g. a fresh copy of the file the work changes).
   */
  Rounds add(String name, Task before, Task warmUp, Task timed, Task after) {
    contenders.put(name, new Contender(before, warmUp, timed, after));
    return this;
  }

  /**
   * Runs the warm-ups, then the rounds.
   *
   * @return each contender's median time in seconds, by name, in the order added
   * @throws Exception what a task threw
   */
  Map<String, Double> medianSeconds() throws Exception {
    Map<String, Double> medians = new LinkedHashMap<>();
    seconds().forEach((name, list) -> medians.put(name, median(list)));
    return medians;
  }

  /**
   * Runs the warm-ups, then the rounds.
   *
   * @return each contender's times in seconds, round by round, by name, in the order added
   * @throws Exception what a task threw
   */
  Map<String, List<Double>> seconds() throws Exception {
    for (Map.Entry<String, Contender> contender : contenders.entrySet()) {
      System.err.println("  warm-up: " + contender.getKey());
      contender.getValue().before().run();
      contender.getValue().warmUp().run();
      contender.getValue().after().run();
    }
    Map<String, List<Double>> times = new LinkedHashMap<>();
    for (int round = 0; round < runs; round++) {
      for (Map.Entry<String, Contender> contender : contenders.entrySet()) {
        contender.getValue().before().run();
        long start = System.nanoTime();
        contender.getValue().timed().run();
        double seconds = (System.nanoTime() - start) / 1e9;
        contender.getValue().after().run();
        System.err.printf("  round %d/%d: %s: %.3f s%n", round + 1, runs, contender.getKey(),
            seconds);
        times.computeIfAbsent(contender.getKey(), k -> new ArrayList<>()).add(seconds);
      }
    }
    return times;
  }

  static double median(List<Double> values) {
    double[] sorted = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
