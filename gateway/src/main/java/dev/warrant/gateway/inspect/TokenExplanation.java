package dev.warrant.gateway.inspect;

import dev.warrant.delegation.TokenInspector;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * One token explanation for every place that shows one: {@code warrant inspect} prints {@link #text}, the admin
 * inspector ({@code POST /admin/inspect}) answers {@link #json} (which carries the same text). Nothing here
 * holds or returns the token itself, only what it says.
 */
public final class TokenExplanation {

    private TokenExplanation() {
    }

    /** The chain hop by hop, the effective narrowing, the warnings, then the chain as RFC 8693 act claims. */
    public static String text(TokenInspector.Inspection inspection) {
        StringBuilder out = new StringBuilder(inspection.explain());
        out.append(System.lineSeparator()).append("As RFC 8693 act claims (the holder outermost):")
                .append(System.lineSeparator());
        actClaims(inspection).encodePrettily().lines()
                .forEach(l -> out.append("  ").append(l).append(System.lineSeparator()));
        return out.toString();
    }

    public static JsonObject actClaims(TokenInspector.Inspection inspection) {
        return ActClaims.of(inspection.chain(), inspection.identity());
    }

    /**
     * The explanation as fields: agent, holder, chain, task, identity, dates, each block (its revocation id, kind,
     * hop, narrowing in plain words, warnings and Datalog source), the effective rights and checks, the warnings,
     * the act claims and {@link #text}.
     */
    public static JsonObject json(TokenInspector.Inspection inspection) {
        JsonArray blocks = new JsonArray();
        for (TokenInspector.InspectedBlock b : inspection.blocks()) {
            blocks.add(new JsonObject().put("index", b.index()).put("revocationId", b.revocationId())
                    .put("kind", b.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .put("from", b.from().orElse(null)).put("to", b.to().orElse(null))
                    .put("narrowing", new JsonArray(b.narrowing())).put("warnings", new JsonArray(b.warnings()))
                    .put("source", b.source()));
        }
        TokenInspector.Effective e = inspection.effective();
        JsonObject effective = new JsonObject().put("holder", e.holder()).put("rights", new JsonArray(e.allowed()))
                .put("argumentConstraints", new JsonArray(e.argumentConstraints()))
                .put("peers", new JsonArray(e.peers())).put("otherChecks", new JsonArray(e.otherChecks()))
                .put("expiresAt", e.expires().map(Object::toString).orElse(null));
        JsonObject json = new JsonObject().put("agent", inspection.agent()).put("holder", inspection.holder())
                .put("chain", new JsonArray(inspection.chain())).put("task", inspection.task().orElse(null))
                .put("issuedAt", inspection.issuedAt().map(Object::toString).orElse(null))
                .put("expiresAt", inspection.expiresAt().map(Object::toString).orElse(null))
                .put("revocationIds", new JsonArray(inspection.revocationIds()))
                .put("blocks", blocks).put("effective", effective)
                .put("warnings", new JsonArray(inspection.warnings()))
                .put("actClaims", actClaims(inspection))
                .put("explanation", text(inspection));
        inspection.identity().ifPresent(i -> json.put("identity",
                new JsonObject().put("issuer", i.issuer()).put("subject", i.subject())));
        return json;
    }
}
