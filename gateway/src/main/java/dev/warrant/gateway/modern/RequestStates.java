package dev.warrant.gateway.modern;

import dev.warrant.gateway.cluster.Sealer;
import dev.warrant.gateway.cluster.SealingKeys;
import dev.warrant.gateway.crypto.Sha256;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Objects;

/**
 * The {@code requestState} Warrant hands a 2026-07-28 agent with an {@code input_required} result, sealed
 * (AES-256-GCM under a key the cluster shares) so the agent can neither read nor change it. Inside: what the
 * round is bound to (the grant and caller that asked, the method, the target, the upstream, the arguments'
 * digest), the upstream's own state to send back, the exchange's correlation id and round, and an expiry. A
 * retry is accepted only with the same binding, before the expiry: another caller cannot replay it, and it cannot
 * be steered to another tool, upstream or argument set. Any failure is one reason, {@code request_state_invalid},
 * whatever was wrong (a forger learns nothing from the answer).
 *
 * <p>Not single-use: a retry may be sent twice (the revision leaves one-time semantics to the server's own
 * work); every round is authorized and audited like any request.
 */
public final class RequestStates {

    /** How long an agent has to answer; the upstream's own timeout bounds a call it keeps waiting anyway. */
    public static final Duration TTL = Duration.ofMinutes(10);
    private static final String PREFIX = "w2.";

    /** What a round is bound to: the retry must present the same. */
    public record Binding(String grant, String caller, String method, String target, String upstream,
                          String argumentsDigest) {
        public Binding {
            Objects.requireNonNull(grant);
            Objects.requireNonNull(method);
            Objects.requireNonNull(upstream);
        }
    }

    /**
     * One sealed round.
     *
     * @param upstreamState the upstream's own {@code requestState} to send back, or null when it gave none
     * @param parked        the id of an upstream call kept waiting on this member for the answers, or null
     */
    public record State(Binding binding, String correlationId, int round, String upstreamState, String parked,
                        Instant expires) {
    }

    private final Sealer sealer;

    /** @param keys the same on every member */
    public RequestStates(SealingKeys keys) {
        this.sealer = new Sealer(keys, PREFIX, "warrant/request-state/v2");
    }

    public String seal(State state) {
        return sealer.seal(new JsonObject()
                .put("g", state.binding().grant()).put("c", state.binding().caller())
                .put("m", state.binding().method()).put("t", state.binding().target())
                .put("u", state.binding().upstream()).put("a", state.binding().argumentsDigest())
                .put("r", state.correlationId()).put("n", state.round())
                .put("s", state.upstreamState()).put("p", state.parked())
                .put("e", state.expires().getEpochSecond()));
    }

    /**
     * Opens a state an agent sent back and checks it against the retry's own binding.
     *
     * @throws WarrantException {@link Reason#REQUEST_STATE_INVALID} when it is not ours, was changed, has expired,
     *     or belongs to another caller, method, target, upstream or set of arguments
     */
    public State open(Object sent, Binding expected, Instant now) {
        JsonObject claims = decrypt(sent);
        Binding bound;
        State state;
        try {
            bound = new Binding(claims.getString("g"), claims.getString("c"), claims.getString("m"),
                    claims.getString("t"), claims.getString("u"), claims.getString("a"));
            state = new State(bound, claims.getString("r"), claims.getInteger("n"), claims.getString("s"),
                    claims.getString("p"), Instant.ofEpochSecond(claims.getLong("e")));
        } catch (RuntimeException e) {
            throw invalid();
        }
        if (!bound.equals(expected) || !now.isBefore(state.expires())) {
            throw invalid();
        }
        return state;
    }

    private JsonObject decrypt(Object sent) {
        JsonObject claims = sealer.open(sent);
        if (claims == null) {
            throw invalid();
        }
        return claims;
    }

    /**
     * A digest of a request's arguments that does not depend on key order, so the same arguments retried by a
     * client that rebuilt its JSON still match.
     */
    public static String digest(Object arguments) {
        String canonical = io.vertx.core.json.Json.encode(sorted(arguments));
        byte[] hash = Sha256.of(canonical);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
    }

    private static Object sorted(Object value) {
        if (value instanceof JsonObject o) {
            java.util.TreeMap<String, Object> map = new java.util.TreeMap<>();
            o.forEach(e -> map.put(e.getKey(), sorted(e.getValue())));
            return map;
        }
        if (value instanceof java.util.Map<?, ?> m) {
            java.util.TreeMap<String, Object> map = new java.util.TreeMap<>();
            m.forEach((k, v) -> map.put(String.valueOf(k), sorted(v)));
            return map;
        }
        if (value instanceof io.vertx.core.json.JsonArray a) {
            return a.stream().map(RequestStates::sorted).toList();
        }
        if (value instanceof java.util.List<?> l) {
            return l.stream().map(RequestStates::sorted).toList();
        }
        return value;
    }

    private static WarrantException invalid() {
        return WarrantException.of(Reason.REQUEST_STATE_INVALID);
    }
}
