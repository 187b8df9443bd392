package dev.warrant.policies.limits;

/**
 * A monotonic nanosecond source (like Caffeine's {@code Ticker}): buckets and windows measure elapsed time, so
 * wall-clock jumps must not refill or empty them. Tests inject a manual one.
 */
@FunctionalInterface
public interface Ticker {

    long read();

    Ticker SYSTEM = System::nanoTime;
}
