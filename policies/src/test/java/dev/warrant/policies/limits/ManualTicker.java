package dev.warrant.policies.limits;

import java.time.Duration;

/** A ticker the test moves by hand. */
final class ManualTicker implements Ticker {

    private long nanos = 1_000_000_000L;

    @Override
    public long read() {
        return nanos;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }
}
