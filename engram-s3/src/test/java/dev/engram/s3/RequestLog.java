package dev.engram.s3;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * Every HTTP request any S3 client of the tests sends (retries included), as operation and
 * range: an {@link ExecutionInterceptor} the SDK installs in every client it builds, named in
 * {@code software/amazon/awssdk/global/handlers/execution.interceptors}, so that the clients
 * {@link S3SourceProvider} builds itself are counted too. s3proxy counts nothing itself.
 */
// exports: the SDK instantiates it by name, so it is public in the module's exported package, and
// its methods name the SDK's types; it is a test class, never part of the API
@SuppressWarnings("exports")
public final class RequestLog implements ExecutionInterceptor {
  /** One request: its operation ({@code GetObject}, {@code HeadObject}...) and Range header. */
  record Request(String operation, String range) {
    @Override
    public String toString() {
      return operation + (range.isEmpty() ? "" : " " + range);
    }
  }

  private static final List<Request> SENT = new CopyOnWriteArrayList<>();

  /** Created by the SDK. */
  public RequestLog() {}

  @Override
  public void beforeTransmission(Context.BeforeTransmission context,
      ExecutionAttributes attributes) {
    SENT.add(new Request(attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME),
        context.httpRequest().firstMatchingHeader("Range").orElse("")));
  }

  /** Forgets what was sent so far. */
  static void reset() {
    SENT.clear();
  }

  /** What was sent since the last {@link #reset()}. */
  static List<Request> sent() {
    return List.copyOf(SENT);
  }

  /** How many GetObject requests were sent since the last {@link #reset()}. */
  static long gets() {
    return SENT.stream().filter(r -> r.operation().equals("GetObject")).count();
  }
}
