package dev.warrant.gateway.pipeline;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The rest of the pipeline as a test sees it, to drive one stage alone (like OkHttp's InterceptorTest): it
 * remembers each exchange it was given and answers with a chosen future: a result, a failure, or a
 * {@link Promise} the test completes later. {@link #run} calls a stage the way {@link Pipeline} does.
 */
public final class FakeChain implements Stage.Chain {

    private final Supplier<Future<JsonObject>> answer;
    private final List<McpExchange> proceeded = new ArrayList<>();
    private Consumer<McpExchange> onProceed = exchange -> { };

    private FakeChain(Supplier<Future<JsonObject>> answer) {
        this.answer = answer;
    }

    /** Answers every proceed with {@code result}. */
    public static FakeChain succeeding(JsonObject result) {
        return new FakeChain(() -> Future.succeededFuture(result));
    }

    /** Answers every proceed with an empty result. */
    public static FakeChain succeeding() {
        return succeeding(new JsonObject().put("answeredBy", "chain"));
    }

    /** Fails every proceed with {@code failure} (a WarrantException, or any other exception). */
    public static FakeChain failing(Throwable failure) {
        return new FakeChain(() -> Future.failedFuture(failure));
    }

    /** Answers with {@code promise}'s future: the call stays open until the test completes it. */
    public static FakeChain pending(Promise<JsonObject> promise) {
        return new FakeChain(promise::future);
    }

    /** Runs {@code check} with the exchange at the moment the stage proceeds (to see the slots written before). */
    public FakeChain onProceed(Consumer<McpExchange> check) {
        this.onProceed = check;
        return this;
    }

    @Override
    public Future<JsonObject> proceed(McpExchange exchange) {
        proceeded.add(exchange);
        onProceed.accept(exchange);
        return answer.get();
    }

    /** How many times the stage called proceed. */
    public int calls() {
        return proceeded.size();
    }

    /** The exchange of the last proceed, or null if the stage never proceeded. */
    public McpExchange exchange() {
        return proceeded.isEmpty() ? null : proceeded.get(proceeded.size() - 1);
    }

    /**
     * Runs {@code stage} on {@code exchange} with this chain as {@link Pipeline} does: the exchange knows which
     * stage writes its slots, and a thrown exception becomes a failed future (never a throw to the caller).
     */
    public Future<JsonObject> run(Stage stage, McpExchange exchange) {
        exchange.enter(stage.getClass().getSimpleName());
        try {
            Future<JsonObject> result = stage.handle(exchange, this);
            return result == null ? Future.failedFuture(new IllegalStateException("stage returned null")) : result;
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
