package dev.warrant.gateway.pipeline;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * One pipeline per kind of message, all starting with the same stages (record, authenticate, trace, session,
 * limit): every message an agent sends is recorded, authenticated, traced, bound to its session and counted
 * against its limits the same way, and only its terminal handler differs. Built once at start; a kind without
 * a pipeline fails the start.
 */
public final class Pipelines {

    private final Map<MessageKind, Pipeline> byKind;
    private final Stage record;

    private Pipelines(Map<MessageKind, Pipeline> byKind, Stage record) {
        for (MessageKind kind : MessageKind.values()) {
            if (kind != MessageKind.UNREADABLE && !byKind.containsKey(kind)) {
                throw new IllegalStateException("no pipeline for " + kind + " messages");
            }
        }
        this.byKind = new EnumMap<>(byKind);
        this.record = record;
    }

    /** Starts the set with the stages every message passes. */
    public static Builder startingWith(List<Stage> common) {
        return new Builder(common);
    }

    public Future<JsonObject> execute(McpExchange exchange) {
        Pipeline pipeline = byKind.get(exchange.kind());
        if (pipeline == null) {
            throw new IllegalStateException(exchange.kind() + " messages have no pipeline; refuse them instead");
        }
        return pipeline.execute(exchange);
    }

    /**
     * Records a message refused before its stages could run (bad Host or Origin, media type, body, envelope),
     * so that every refusal on every route has its audit line, and answers with that refusal.
     */
    public Future<JsonObject> refuse(McpExchange exchange, RuntimeException refusal) {
        TerminalStage refuse = (ex, chain) -> Future.failedFuture(refusal);
        return new Pipeline(List.of(record, refuse)).execute(exchange);
    }

    public Pipeline of(MessageKind kind) {
        return byKind.get(kind);
    }

    public static final class Builder {
        private final List<Stage> common;
        private final Map<MessageKind, Pipeline> byKind = new EnumMap<>(MessageKind.class);

        private Builder(List<Stage> common) {
            this.common = List.copyOf(common);
            if (this.common.isEmpty() || this.common.get(0).kind() != StageKind.RECORD) {
                throw new IllegalStateException("every message must start with a RECORD stage");
            }
        }

        /** The kind's pipeline: the common stages, then {@code rest} (ending with its terminal stage). */
        public Builder route(MessageKind kind, Stage... rest) {
            List<Stage> stages = new ArrayList<>(common);
            stages.addAll(List.of(rest));
            if (byKind.put(kind, new Pipeline(stages)) != null) {
                throw new IllegalStateException("two pipelines for " + kind + " messages");
            }
            return this;
        }

        public Pipelines build() {
            return new Pipelines(byKind, common.get(0));
        }
    }
}
