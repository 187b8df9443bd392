package dev.warrant.gateway.forward;

import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The requests a 2025-era upstream sends to the client (elicitation, sampling, roots) while serving a 2026
 * agent's call, which cannot be sent to that agent as requests: they are collected here and become the
 * {@code inputRequests} of an {@code input_required} answer; the agent's {@code inputResponses} on its retry
 * answer them, and the upstream call goes on where it was.
 *
 * <p>Concurrency: requests arrive on adapter threads, answers on the retry's event loop; one lock.
 */
final class InputBridge {

    private final AtomicInteger keys = new AtomicInteger();
    /** Asked upstream and not yet answered, by the key the agent sees. */
    private final Map<String, CompletableFuture<JsonObject>> pending = new LinkedHashMap<>();
    /** What each of those asks ({@code {method, params}}). */
    private final Map<String, JsonObject> asked = new LinkedHashMap<>();
    /** Of those, the keys the agent has not been shown yet (or has to be shown again). */
    private final java.util.Set<String> unsent = new java.util.LinkedHashSet<>();
    private Runnable onNeed;

    /** An upstream request for the agent; completes with the agent's JSON-RPC answer ({@code result}), or null. */
    CompletableFuture<JsonObject> ask(String method, Map<String, Object> params) {
        CompletableFuture<JsonObject> answer = new CompletableFuture<>();
        Runnable notify;
        synchronized (this) {
            String key = "input-" + keys.incrementAndGet();
            pending.put(key, answer);
            asked.put(key, new JsonObject().put("method", method).put("params", new JsonObject(new LinkedHashMap<>(params))));
            unsent.add(key);
            notify = onNeed;
            onNeed = null;
        }
        if (notify != null) {
            notify.run();
        }
        return answer;
    }

    /** Runs {@code action} once, as soon as there is something to ask the agent (at once if there already is). */
    void onNeed(Runnable action) {
        boolean now;
        synchronized (this) {
            now = !unsent.isEmpty();
            onNeed = now ? null : action;
        }
        if (now) {
            action.run();
        }
    }

    /** What to put in {@code inputRequests} now; those are then shown. */
    synchronized JsonObject takeRequests() {
        JsonObject requests = new JsonObject();
        unsent.forEach(key -> requests.put(key, asked.get(key)));
        unsent.clear();
        return requests;
    }

    /**
     * The agent's answers: each goes to the upstream request of its key. A key left unanswered is asked again
     * in the next round (the revision lets a server re-ask rather than fail).
     */
    void answer(JsonObject inputResponses) {
        Map<String, CompletableFuture<JsonObject>> answered = new LinkedHashMap<>();
        synchronized (this) {
            for (String key : Map.copyOf(pending).keySet()) {
                if (inputResponses != null && inputResponses.containsKey(key)) {
                    answered.put(key, pending.remove(key));
                    asked.remove(key);
                }
            }
        }
        answered.forEach((key, future) -> future.complete(new JsonObject().put("result", inputResponses.getValue(key))));
        synchronized (this) {
            if (!pending.isEmpty() && unsent.isEmpty()) {
                // Asked before and still unanswered: ask again.
                unsent.addAll(pending.keySet());
            }
        }
    }

    /** The call is over or abandoned: every open request is answered "no answer" upstream. */
    void abandon() {
        Map<String, CompletableFuture<JsonObject>> open;
        synchronized (this) {
            open = new LinkedHashMap<>(pending);
            pending.clear();
            asked.clear();
            unsent.clear();
            onNeed = null;
        }
        open.values().forEach(f -> f.complete(null));
    }
}
