package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** A call refused before it was sent (upstream down, over its concurrency limit): already failed, no id upstream. */
record FailedCall(UpstreamException error) implements UpstreamCall {

    @Override
    public String upstreamId() {
        return "-";
    }

    @Override
    public CompletableFuture<Map<String, Object>> result() {
        return CompletableFuture.failedFuture(error);
    }

    @Override
    public void cancel(String reason) {
        // nothing was sent
    }
}
