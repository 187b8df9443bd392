package dev.warrant.gateway.forward;

import dev.warrant.gateway.pipeline.OnCallerContext;
import dev.warrant.adapters.Upstream;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.json.JsonValues;
import dev.warrant.gateway.modern.RequestStates;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.trace.UpstreamSpan;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * Multi round-trip requests (2026-07-28 {@code input_required}) through the gateway, for the three methods
 * that may ask for input: {@code tools/call}, {@code prompts/get}, {@code resources/read}.
 *
 * <ul>
 *   <li>A 2026 agent gets an upstream's {@code input_required} as is, except its {@code requestState}: Warrant
 *   seals the upstream's state with what the round is bound to ({@link RequestStates}) and opens it again on
 *   the retry, which must come from the same grant and caller, for the same method, target, upstream and
 *   arguments. The agent never sees the upstream's state, cannot forge one, and cannot steer a retry elsewhere.
 *   Every round is authorized and audited as a request of its own; all share one correlation id.</li>
 *   <li>A 2025-era upstream asks its client with requests instead (elicitation, sampling, roots). For a 2026
 *   agent such a request parks the upstream call on this member ({@link ParkedCalls}) and becomes the agent's
 *   {@code input_required}; the retry's answers go to the waiting upstream call, which goes on.</li>
 *   <li>A 2025 agent cannot retry with answers, so the gateway asks it instead, through its session, exactly
 *   as it relays an upstream's own server-to-client request ({@link SessionRelay}), and sends the answers
 *   upstream in the retry itself, up to {@value #MAX_ROUNDS} rounds. An input the agent did not declare it can
 *   give is a clear error naming it, never a hang.</li>
 * </ul>
 * A 2025 agent's own {@code requestState}/{@code inputResponses} are dropped: it has no round to continue.
 */
final class InputRounds {

    /** Methods an upstream may answer with {@code input_required}. */
    static final Set<String> METHODS = Set.of("tools/call", "prompts/get", "resources/read");
    static final int MAX_ROUNDS = 10;
    private static final String INPUT_REQUIRED = "input_required";

    private final RequestStates states;
    private final ParkedCalls parked;
    private final Clock clock;

    InputRounds(RequestStates states, ParkedCalls parked, Clock clock) {
        this.states = states;
        this.parked = parked;
        this.clock = clock;
    }

    /**
     * @param target the upstream's own name of the tool or prompt, or the resource URI
     * @param spans  a new CLIENT span per upstream request (a round is one)
     */
    Future<JsonObject> send(McpExchange exchange, Upstream upstream, Supplier<UpstreamSpan> spans, String method,
                            String target, Map<String, Object> params) {
        // The caller's map is not ours to change: copied only when a round's fields must be rewritten.
        boolean rewrite = params.containsKey("requestState") || params.containsKey("inputResponses");
        Map<String, Object> outgoing = rewrite ? new LinkedHashMap<>(params) : params;
        Object sentState = rewrite ? outgoing.remove("requestState") : null;
        if (!exchange.modern()) {
            if (rewrite) {
                outgoing.remove("inputResponses");
            }
            return legacyRound(exchange, upstream, spans, method, outgoing, 1);
        }
        // Computed only when a round is sealed or opened: most calls never ask for input.
        Supplier<RequestStates.Binding> binding = once(() -> new RequestStates.Binding(
                exchange.token().grant(), exchange.token().caller(), method, target, upstream.name(),
                RequestStates.digest(params.get("arguments"))));
        Round round;
        if (sentState != null) {
            RequestStates.State state = states.open(sentState, binding.get(), clock.instant());
            exchange.correlationId(state.correlationId());
            round = new Round(binding, state.correlationId(), state.round() + 1);
            if (state.parked() != null) {
                // The upstream call is still waiting here for these answers: give them, and wait with it again.
                ParkedCalls.Parked call = parked.take(state.parked());
                if (call == null) {
                    throw WarrantException.of(Reason.REQUEST_STATE_INVALID, "the call waiting for this input is gone");
                }
                call.bridge().answer(exchange.request().params().getValue("inputResponses") instanceof JsonObject r
                        ? r : new JsonObject());
                return await(exchange, round, call.result(), call.bridge());
            }
            if (state.upstreamState() != null) {
                outgoing.put("requestState", state.upstreamState());
            }
        } else {
            if (rewrite) {
                // Answers without a state Warrant issued continue nothing.
                outgoing.remove("inputResponses");
            }
            round = new Round(binding, null, 1);
        }
        InputBridge bridge = new InputBridge();
        return await(exchange, round, UpstreamExchange.send(exchange, upstream, spans.get(), method, outgoing, bridge),
                bridge);
    }

    /** What one round of a 2026 agent's exchange is: its binding, its correlation id (null before the first ask). */
    private record Round(Supplier<RequestStates.Binding> binding, String correlationId, int number) {
        String correlation(McpExchange exchange) {
            if (correlationId != null) {
                return correlationId;
            }
            String id = UUID.randomUUID().toString();
            exchange.correlationId(id);
            return id;
        }
    }

    /**
     * Waits for whichever comes first: the upstream's result (an {@code input_required} of its own is passed on
     * with its state sealed), or a request of the upstream to the client ({@link InputBridge}), which parks the
     * call and answers the agent {@code input_required} with the parked call's id sealed.
     */
    private Future<JsonObject> await(McpExchange exchange, Round round, Future<JsonObject> result, InputBridge bridge) {
        Context context = Vertx.currentContext();
        Promise<JsonObject> answer = Promise.promise();
        result.onComplete(ar -> onContext(context, () -> {
            if (ar.failed()) {
                answer.tryFail(ar.cause());
            } else if (!answer.future().isComplete()) {
                try {
                    answer.tryComplete(passOn(exchange, round, ar.result()));
                } catch (RuntimeException e) {
                    answer.tryFail(e);
                }
            }
        }));
        bridge.onNeed(() -> onContext(context, () -> {
            if (answer.future().isComplete()) {
                return;
            }
            try {
                String id = parked.park(new ParkedCalls.Parked(result, bridge, exchange.token(),
                        clock.instant().plus(RequestStates.TTL)));
                answer.tryComplete(new JsonObject().put("resultType", INPUT_REQUIRED)
                        .put("inputRequests", bridge.takeRequests())
                        .put("requestState", states.seal(new RequestStates.State(round.binding().get(),
                                round.correlation(exchange), round.number(), null, id,
                                clock.instant().plus(RequestStates.TTL)))));
            } catch (RuntimeException e) {
                answer.tryFail(e);
            }
        }));
        return answer.future();
    }

    /** A result from the upstream; its own input_required goes on with the upstream's state sealed in ours. */
    private JsonObject passOn(McpExchange exchange, Round round, JsonObject result) {
        if (!INPUT_REQUIRED.equals(result.getValue("resultType"))) {
            return result;
        }
        checkDeclared(exchange, result);
        Object upstreamState = result.getValue("requestState");
        JsonObject out = new JsonObject(new LinkedHashMap<>(result.getMap()));
        out.put("requestState", states.seal(new RequestStates.State(round.binding().get(), round.correlation(exchange),
                round.number(), upstreamState instanceof String s ? s : null, null,
                clock.instant().plus(RequestStates.TTL))));
        return out;
    }

    /** {@code value}, computed at most once (on one event loop: no lock needed). */
    private static <T> Supplier<T> once(Supplier<T> value) {
        Object[] memo = new Object[1];
        return () -> {
            if (memo[0] == null) {
                memo[0] = value.get();
            }
            @SuppressWarnings("unchecked")
            T t = (T) memo[0];
            return t;
        };
    }

    private static void onContext(Context context, Runnable action) {
        if (context == null || context == Vertx.currentContext()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    /** An agent is asked only for what it declared (this request's _meta, or its session's initialize). */
    private static void checkDeclared(McpExchange exchange, JsonObject result) {
        if (!(result.getValue("inputRequests") instanceof JsonObject requests)) {
            return;
        }
        for (String key : requests.fieldNames()) {
            checkDeclared(exchange, requests.getValue(key) instanceof JsonObject r ? r.getString("method") : null);
        }
    }

    private static void checkDeclared(McpExchange exchange, String method) {
        String capability = SessionRelay.CAPABILITY.get(method);
        if (capability == null) {
            throw WarrantException.of(Reason.CLIENT_CAPABILITY_MISSING, "the upstream asks for " + method
                    + ", which Warrant does not relay to agents");
        }
        if (!exchange.clientDeclares(capability)) {
            throw WarrantException.of(Reason.CLIENT_CAPABILITY_MISSING, "the upstream asks for " + method
                    + ", and the agent did not declare " + capability,
                    Map.of("requiredCapabilities", Map.of(capability, Map.of())));
        }
    }

    private Future<JsonObject> legacyRound(McpExchange exchange, Upstream upstream, Supplier<UpstreamSpan> spans,
                                           String method, Map<String, Object> params, int round) {
        return UpstreamExchange.send(exchange, upstream, spans.get(), method, params).compose(result -> {
            if (!INPUT_REQUIRED.equals(result.getValue("resultType"))) {
                return Future.succeededFuture(result);
            }
            if (exchange.correlationId() == null) {
                exchange.correlationId(UUID.randomUUID().toString());
            }
            if (round >= MAX_ROUNDS) {
                return Future.failedFuture(WarrantException.of(Reason.UPSTREAM_PROTOCOL,
                        "the upstream asked for input " + MAX_ROUNDS + " times"));
            }
            checkDeclared(exchange, result);
            return ask(exchange, upstream, result).compose(answers -> {
                Map<String, Object> retry = new LinkedHashMap<>(params);
                retry.remove("requestState");
                retry.put("inputResponses", answers);
                if (result.getValue("requestState") instanceof String state) {
                    retry.put("requestState", state);
                }
                return legacyRound(exchange, upstream, spans, method, retry, round + 1);
            });
        });
    }

    /** Asks the 2025 agent every input the upstream needs, through its session; completes with the answers. */
    private static Future<Map<String, Object>> ask(McpExchange exchange, Upstream upstream, JsonObject result) {
        JsonObject requests = result.getValue("inputRequests") instanceof JsonObject r ? r : new JsonObject();
        SessionRelay relay = SessionRelay.of(exchange, upstream.spec().requestTimeout());
        List<String> keys = new ArrayList<>(requests.fieldNames());
        List<Future<Map<String, Object>>> answers = new ArrayList<>();
        for (String key : keys) {
            JsonObject request = requests.getValue(key) instanceof JsonObject o ? o : new JsonObject();
            String method = request.getString("method");
            Map<String, Object> params = request.getValue("params") instanceof JsonObject p
                    ? JsonValues.toPlainMap(p) : Map.of();
            var asked = relay.onServerRequest(method, params);
            answers.add(OnCallerContext.future(asked));
        }
        return Future.all(answers).transform(done -> {
            relay.close();
            if (done.failed()) {
                return Future.failedFuture(refusal(done.cause()));
            }
            Map<String, Object> byKey = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                byKey.put(keys.get(i), answers.get(i).result());
            }
            return Future.succeededFuture(byKey);
        });
    }

    /** The agent failed to answer (timeout, an error of its own, the call ended first). */
    private static WarrantException refusal(Throwable cause) {
        Throwable t = cause instanceof CompletionException && cause.getCause() != null ? cause.getCause() : cause;
        return t instanceof WarrantException w ? w : WarrantException.of(Reason.UPSTREAM_ERROR,
                "the agent did not give the input the upstream asked for");
    }
}
