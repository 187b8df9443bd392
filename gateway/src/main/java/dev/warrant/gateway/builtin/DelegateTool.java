package dev.warrant.gateway.builtin;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.gateway.auth.BearerToken;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.otel.MetaPropagation;
import dev.warrant.otel.Telemetry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code warrant__delegate}: attenuates the caller's own token for another agent, so an agent framework with
 * no Biscuit library can delegate by calling a tool. The new block names the delegatee, lists what it may do,
 * and records the current trace context, so the delegatee's calls join this trace. Like any hop it can only
 * narrow: it appends checks to the caller's token and cannot add authority.
 *
 * <p>Input: {@code to} (required), {@code tools} (exposed names, {@code server__*} for a whole server),
 * {@code resources} ({@code {server, prefix}}), {@code pathPrefixes} ({@code {argument: prefix}}),
 * {@code equals} ({@code {argument: value}}), {@code ttlSeconds}.
 */
public final class DelegateTool implements BuiltinTool {

    public static final String NAME = "warrant__delegate";
    static final int MAX_TTL_SECONDS = 7 * 24 * 3600;

    private final Telemetry telemetry;
    private final Clock clock;
    private final int maxTokenLength;

    public DelegateTool(Telemetry telemetry, Clock clock, int maxTokenLength) {
        this.telemetry = telemetry;
        this.clock = clock;
        this.maxTokenLength = maxTokenLength;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonObject definition() {
        JsonObject stringMap = new JsonObject().put("type", "object")
                .put("additionalProperties", new JsonObject().put("type", "string"));
        return new JsonObject()
                .put("name", NAME)
                .put("title", "Delegate a narrower token")
                .put("description", "Attenuate your own token for another agent. The result can only do less than "
                        + "your token: the listed tools and resources, under the given argument constraints, for at "
                        + "most ttlSeconds. Pass the returned token to the delegatee as its bearer token.")
                .put("inputSchema", new JsonObject()
                        .put("type", "object")
                        .put("properties", new JsonObject()
                                .put("to", new JsonObject().put("type", "string").put("description", "the delegatee agent"))
                                .put("tools", new JsonObject().put("type", "array")
                                        .put("items", new JsonObject().put("type", "string"))
                                        .put("description", "exposed tool names, e.g. notes__read_note or notes__*"))
                                .put("resources", new JsonObject().put("type", "array").put("items", new JsonObject()
                                        .put("type", "object")
                                        .put("properties", new JsonObject()
                                                .put("server", new JsonObject().put("type", "string"))
                                                .put("prefix", new JsonObject().put("type", "string")))
                                        .put("required", new JsonArray().add("server").add("prefix"))))
                                .put("pathPrefixes", stringMap.copy().put("description",
                                        "argument name -> required path prefix, e.g. {\"path\": \"/notes/public/\"}"))
                                .put("equals", stringMap.copy().put("description", "argument name -> required value"))
                                .put("ttlSeconds", new JsonObject().put("type", "integer").put("minimum", 1)))
                        .put("required", new JsonArray().add("to")))
                .put("outputSchema", new JsonObject().put("type", "object")
                        .put("properties", new JsonObject()
                                .put("token", new JsonObject().put("type", "string"))
                                .put("holder", new JsonObject().put("type", "string")))
                        .put("required", new JsonArray().add("token")))
                .put("annotations", new JsonObject().put("readOnlyHint", true).put("openWorldHint", false));
    }

    @Override
    public Future<JsonObject> call(McpExchange exchange, JsonObject arguments) {
        HopSpec spec;
        try {
            spec = parse(exchange, arguments);
        } catch (IllegalArgumentException | ClassCastException e) {
            return Future.succeededFuture(ToolResults.error("invalid delegation: " + e.getMessage()));
        }
        String token = BearerToken.from(exchange.http().authorization(), maxTokenLength);
        String attenuated;
        try {
            attenuated = Delegator.attenuate(token, spec, clock);
        } catch (IllegalArgumentException e) {
            return Future.succeededFuture(ToolResults.error("invalid delegation: " + e.getMessage()));
        }
        String to = arguments.getString("to");
        return Future.succeededFuture(ToolResults.text(attenuated,
                new JsonObject().put("token", attenuated).put("holder", to)));
    }

    private HopSpec parse(McpExchange exchange, JsonObject args) {
        Object to = args.getValue("to");
        if (!(to instanceof String agent) || agent.isBlank()) {
            throw new IllegalArgumentException("'to' (the delegatee) is required");
        }
        HopSpec.Builder hop = HopSpec.delegateTo(agent);
        JsonArray tools = args.getJsonArray("tools");
        if (tools != null) {
            Map<String, List<String>> byServer = new LinkedHashMap<>();
            for (Object t : tools) {
                if (!(t instanceof String exposed)) {
                    throw new IllegalArgumentException("tools must be strings like server__tool");
                }
                int sep = exposed.indexOf("__");
                if (sep <= 0 || sep + 2 >= exposed.length()) {
                    throw new IllegalArgumentException("not an exposed tool name (server__tool): " + exposed);
                }
                byServer.computeIfAbsent(exposed.substring(0, sep), k -> new ArrayList<>()).add(exposed.substring(sep + 2));
            }
            byServer.forEach((server, names) -> hop.tools(server, names.toArray(String[]::new)));
        }
        JsonArray resources = args.getJsonArray("resources");
        if (resources != null) {
            for (Object r : resources) {
                JsonObject res = (JsonObject) r;
                hop.resources(res.getString("server"), res.getString("prefix"));
            }
        }
        JsonObject prefixes = args.getJsonObject("pathPrefixes");
        if (prefixes != null) {
            prefixes.forEach(e -> hop.argPathPrefix(e.getKey(), (String) e.getValue()));
        }
        JsonObject equals = args.getJsonObject("equals");
        if (equals != null) {
            equals.forEach(e -> hop.argEquals(e.getKey(), (String) e.getValue()));
        }
        Object ttl = args.getValue("ttlSeconds");
        if (ttl != null) {
            if (!(ttl instanceof Number n) || n.longValue() < 1 || n.longValue() > MAX_TTL_SECONDS) {
                throw new IllegalArgumentException("ttlSeconds must be an integer from 1 to " + MAX_TTL_SECONDS);
            }
            hop.ttl(Duration.ofSeconds(n.longValue()));
        }
        String traceparent = MetaPropagation.traceparent(telemetry.propagator(), exchange.traceContext());
        if (traceparent != null) {
            hop.trace(traceparent);
        }
        return hop.build();
    }
}
