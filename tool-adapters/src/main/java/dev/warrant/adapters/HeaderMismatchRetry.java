package dev.warrant.adapters;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A 2026-07-28 {@code tools/call} that the upstream refused with -32020 (header mismatch: our {@code Mcp-Param-*}
 * headers came from a listing older than the tool, or from none) is sent once more after the tools are listed
 * again, as the revision recommends. Any other outcome, and the second attempt's, is the call's.
 *
 * <p>Concurrency: {@link #current} is the attempt a cancel must reach; the outcome completes once, whoever is first.
 */
final class HeaderMismatchRetry implements UpstreamCall {

    /** JSON-RPC HeaderMismatch (2026-07-28). */
    static final int HEADER_MISMATCH = -32020;

    private final CompletableFuture<Map<String, Object>> outcome = new CompletableFuture<>();
    private final CompletableFuture<Map<String, Object>> view = outcome.copy();
    private volatile UpstreamCall current;

    /**
     * @param first  the first attempt, already sent
     * @param relist lists the tools again (teaching the headers)
     * @param resend sends the call again
     */
    HeaderMismatchRetry(UpstreamCall first, Supplier<CompletableFuture<?>> relist, Supplier<UpstreamCall> resend) {
        this.current = first;
        first.result().whenComplete((result, error) -> {
            if (error == null) {
                outcome.complete(result);
                return;
            }
            UpstreamException failure = JsonRpcUpstream.asUpstreamException(error);
            if (failure.code() == null || failure.code() != HEADER_MISMATCH || outcome.isDone()) {
                outcome.completeExceptionally(failure);
                return;
            }
            relist.get().whenComplete((listed, listError) -> {
                if (outcome.isDone()) {
                    return; // cancelled while listing
                }
                UpstreamCall second = resend.get();
                current = second;
                second.result().whenComplete((again, againError) -> {
                    if (againError == null) {
                        outcome.complete(again);
                    } else {
                        outcome.completeExceptionally(JsonRpcUpstream.asUpstreamException(againError));
                    }
                });
                if (outcome.isDone()) {
                    second.cancel("cancelled"); // cancelled while we were sending it
                }
            });
        });
    }

    @Override
    public String upstreamId() {
        return current.upstreamId();
    }

    @Override
    public CompletableFuture<Map<String, Object>> result() {
        return view;
    }

    @Override
    public void cancel(String reason) {
        UpstreamCall attempt = current;
        attempt.cancel(reason);
        outcome.completeExceptionally(new UpstreamException(UpstreamException.Kind.CANCELLED,
                "tools/call " + attempt.upstreamId() + " cancelled: " + (reason == null ? "cancelled" : reason)));
    }
}
