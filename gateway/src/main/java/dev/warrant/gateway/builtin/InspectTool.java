package dev.warrant.gateway.builtin;

import dev.warrant.delegation.TokenInspector;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Verifier;
import dev.warrant.gateway.auth.BearerToken;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;

/**
 * {@code warrant__inspect}: explains the caller's own token — who holds it, through which delegation chain,
 * for which task, until when — and what it allows right now, as the list of upstream tools the policy engine
 * lets it see (the same decision that filters tools/list).
 */
public final class InspectTool implements BuiltinTool {

    public static final String NAME = "warrant__inspect";

    private final UpstreamRegistry upstreams;
    private final PolicyEngine engine;
    private final Vertx vertx;
    private final Verifier verifier;
    private final Clock clock;
    private final int maxTokenLength;

    public InspectTool(UpstreamRegistry upstreams, PolicyEngine engine, Vertx vertx, Verifier verifier, Clock clock,
                       int maxTokenLength) {
        this.upstreams = upstreams;
        this.engine = engine;
        this.vertx = vertx;
        this.verifier = verifier;
        this.clock = clock;
        this.maxTokenLength = maxTokenLength;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public JsonObject definition() {
        return new JsonObject()
                .put("name", NAME)
                .put("title", "Explain my token")
                .put("description", "Explains your own token: holder, delegation chain, task, expiry, revocation ids, "
                        + "and the tools it currently allows.")
                .put("inputSchema", new JsonObject().put("type", "object").put("properties", new JsonObject()))
                .put("annotations", new JsonObject().put("readOnlyHint", true).put("openWorldHint", false));
    }

    @Override
    public Future<JsonObject> call(McpExchange exchange, JsonObject arguments) {
        VerifiedToken token = exchange.token();
        JsonArray allowed = new JsonArray();
        for (ToolEntry tool : upstreams.catalog().all()) {
            if (engine.decide(token, Operation.listTool(tool.server(), tool.name(), tool.risk(), exchange.http().peer())).allowed()) {
                allowed.add(tool.exposedName());
            }
        }
        JsonObject facts = new JsonObject()
                .put("agent", token.agent())
                .put("caller", token.caller())
                .put("chain", new JsonArray(token.chain()))
                .put("depth", token.depth())
                .put("task", token.task().orElse(null))
                .put("issuedAt", token.issuedAt().toString())
                .put("expiresAt", token.expiresAt().toString())
                .put("revocationIds", new JsonArray(token.revocationIds()))
                .put("allowedTools", allowed);
        StringBuilder text = new StringBuilder();
        text.append("You are '").append(token.caller()).append("'");
        if (token.depth() > 0) {
            text.append(", holding a token issued to '").append(token.agent()).append("' and delegated ")
                    .append(String.join(" -> ", token.chain()));
        }
        text.append(".\n");
        token.task().ifPresent(t -> text.append("Task: ").append(t).append(".\n"));
        text.append("The token expires at ").append(token.expiresAt())
                .append(" (a delegation hop may end it sooner).\n");
        text.append("Tools you may call now: ").append(allowed.isEmpty() ? "none" : String.join(", ",
                allowed.stream().map(String::valueOf).toList())).append(".\n");
        text.append("Revoking any of these ids stops this token: ").append(String.join(", ", token.revocationIds()));
        String raw = BearerToken.from(exchange.http().authorization(), maxTokenLength);
        // The hop-by-hop explanation re-reads the token's blocks (signature checks included): a worker's job.
        return vertx.executeBlocking(() -> TokenInspector.inspect(raw, verifier, clock).explain(), false)
                .map(explanation -> {
                    facts.put("explanation", explanation);
                    return ToolResults.text(text + "\n\n" + explanation, facts);
                })
                .otherwise(e -> ToolResults.text(text.toString(), facts));
    }
}
