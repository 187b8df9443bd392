package dev.warrant.gateway.record;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Which audit lines a query wants: every given criterion must match (exact, case-sensitive); absent
 * criteria match everything. {@code caller} matches the caller or any member of the delegation chain, so
 * "what did planner's authority do" includes the sub-agents it delegated to.
 */
public record AuditFilter(Optional<String> caller, Optional<String> decision, Optional<String> reason,
                          Optional<Instant> since, Optional<String> traceId, Optional<String> task) {

    public static AuditFilter all() {
        return new AuditFilter(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty());
    }

    /** Parses one line; an unreadable line or a checkpoint is not an audit record and matches nothing. */
    public Optional<JsonObject> match(String line) {
        JsonObject json;
        try {
            json = new JsonObject(line);
        } catch (DecodeException | ClassCastException e) {
            return Optional.empty();
        }
        // A checkpoint seals lines; it records no decision.
        return !"checkpoint".equals(json.getValue("decision")) && test(json) ? Optional.of(json) : Optional.empty();
    }

    public boolean test(JsonObject r) {
        return matches(decision, r.getString("decision"))
                && matches(reason, r.getString("reason"))
                && matches(traceId, r.getString("traceId"))
                && matches(task, r.getString("task"))
                && caller.map(c -> c.equals(r.getString("caller"))
                        || (r.getJsonArray("chain") != null && r.getJsonArray("chain").contains(c))).orElse(true)
                && since.map(s -> after(r.getString("time"), s)).orElse(true);
    }

    private static boolean matches(Optional<String> wanted, String actual) {
        return wanted.map(w -> w.equals(actual)).orElse(true);
    }

    private static boolean after(String time, Instant since) {
        try {
            return time != null && !Instant.parse(time).isBefore(since);
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
