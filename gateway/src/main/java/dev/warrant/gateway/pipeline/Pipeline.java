package dev.warrant.gateway.pipeline;

import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The request path as one readable list of stages, like OkHttp's interceptor chain.
 *
 * <p>A wrongly assembled pipeline fails at construction (docs/ARCHITECTURE.md §2.4): stages must appear in
 * {@link StageKind} order, each kind at most once, and the list must end with a TERMINAL stage. At run time
 * a stage that calls {@code proceed} twice, or returns null, is reported by name instead of hanging the call.
 */
public final class Pipeline {

    private final List<Stage> stages;
    /** Each stage's name, by index: the exchange records it on entry to every stage of every message. */
    private final String[] names;

    public Pipeline(List<Stage> stages) {
        this.stages = List.copyOf(stages);
        validate(this.stages);
        this.names = this.stages.stream().map(Pipeline::name).toArray(String[]::new);
    }

    private static void validate(List<Stage> stages) {
        if (stages.isEmpty()) {
            throw new IllegalStateException("pipeline has no stages");
        }
        StageKind previous = null;
        for (Stage stage : stages) {
            StageKind kind = stage.kind();
            if (previous != null && kind.ordinal() <= previous.ordinal()) {
                throw new IllegalStateException("stage " + name(stage) + " (" + kind + ") must not come after a "
                        + previous + " stage; required order: " + List.of(StageKind.values()));
            }
            previous = kind;
        }
        if (previous != StageKind.TERMINAL) {
            throw new IllegalStateException("pipeline must end with a TERMINAL stage, but ends with "
                    + name(stages.get(stages.size() - 1)));
        }
    }

    public Future<JsonObject> execute(McpExchange exchange) {
        return new RealChain(0).proceed(exchange);
    }

    public List<Stage> stages() {
        return stages;
    }

    /** The stage's class name; an anonymous or lambda stage has no simple name, so its binary name is used. */
    private static String name(Stage stage) {
        String simple = stage.getClass().getSimpleName();
        return simple.isEmpty() ? stage.getClass().getName() : simple;
    }

    private final class RealChain implements Stage.Chain {
        private final int index;
        private boolean called;

        RealChain(int index) {
            this.index = index;
        }

        @Override
        public Future<JsonObject> proceed(McpExchange exchange) {
            if (index >= stages.size()) {
                throw new IllegalStateException("stage " + names[names.length - 1]
                        + " is terminal and must not call proceed()");
            }
            if (called) {
                throw new IllegalStateException("stage " + names[index - 1] + " called proceed() twice");
            }
            called = true;
            Stage stage = stages.get(index);
            String name = names[index];
            exchange.enter(name);
            Future<JsonObject> result;
            try {
                result = stage.handle(exchange, new RealChain(index + 1));
            } catch (WarrantException e) {
                return Future.failedFuture(e);
            } catch (RuntimeException e) {
                return Future.failedFuture(new IllegalStateException("stage " + name + " threw", e));
            }
            if (result == null) {
                return Future.failedFuture(new IllegalStateException("stage " + name + " returned null"));
            }
            return result;
        }
    }
}
