package dev.warrant.gateway.tasks;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.List;

/**
 * What Warrant remembers of one upstream task it handed to an agent under its own handle: where the task lives
 * (the upstream and the upstream's own task id), which call created it (tool and arguments, so every later
 * {@code tasks/*} request is decided with the same facts), and whom it belongs to (the exact token chain, by its
 * revocation ids). Kept in the cluster as JSON ({@link TaskStore}).
 *
 * @param server         the upstream that runs the task
 * @param tool           the upstream's own name of the tool whose call created it
 * @param arguments      that call's arguments
 * @param risk           the tool's risk tier code then, or null
 * @param upstreamTaskId the upstream's task id (never shown to the agent)
 * @param chain          the revocation ids of the token chain that created it, authority block first
 * @param correlationId  shared by the audit lines of the call and of every request about the task
 * @param expires        when Warrant forgets the task
 */
public record TaskRecord(String server, String tool, JsonObject arguments, String risk, String upstreamTaskId,
                         List<String> chain, String correlationId, Instant expires) {

    public TaskRecord {
        arguments = arguments == null ? new JsonObject() : arguments;
        chain = List.copyOf(chain);
    }

    String encode() {
        return new JsonObject()
                .put("server", server).put("tool", tool).put("arguments", arguments).put("risk", risk)
                .put("upstreamTaskId", upstreamTaskId).put("chain", new JsonArray(chain))
                .put("correlationId", correlationId).put("expires", expires.toEpochMilli())
                .encode();
    }

    /** @return the record, or null when the text is not one this class wrote */
    static TaskRecord decode(String text) {
        try {
            JsonObject o = new JsonObject(text);
            return new TaskRecord(o.getString("server"), o.getString("tool"), o.getJsonObject("arguments"),
                    o.getString("risk"), o.getString("upstreamTaskId"),
                    o.getJsonArray("chain").getList().stream().map(String.class::cast).toList(),
                    o.getString("correlationId"), Instant.ofEpochMilli(o.getLong("expires")));
        } catch (DecodeException | ClassCastException | NullPointerException e) {
            return null;
        }
    }
}
