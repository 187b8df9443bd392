package dev.warrant.gateway.transport;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Streamable HTTP sessions: {@code initialize} opens one (owned by the authenticated caller); every other
 * request must name a live session it owns and, when it sends MCP-Protocol-Version, a version we speak.
 */
public final class SessionStage implements Stage {

    private final SessionRegistry sessions;

    public SessionStage(SessionRegistry sessions) {
        this.sessions = sessions;
    }

    @Override
    public StageKind kind() {
        return StageKind.SESSION;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        VerifiedToken token = exchange.token();
        String root = token.revocationIds().get(0);
        if ("initialize".equals(exchange.method())) {
            Object requested = exchange.request().params().getValue("protocolVersion");
            String version = ProtocolVersions.negotiate(requested instanceof String s ? s : null);
            exchange.session(sessions.create(root, token.caller(), version));
            exchange.session().noteToken(token);
            exchange.session().notePeer(exchange.http().peer());
            return chain.proceed(exchange);
        }
        String header = exchange.http().protocolVersion();
        if (header != null && !ProtocolVersions.isSupported(header)) {
            throw WarrantException.of(Reason.PROTOCOL_VERSION_UNSUPPORTED, "unsupported MCP-Protocol-Version: " + header);
        }
        exchange.session(sessions.resolve(exchange.http().sessionId(), root, token.caller()));
        exchange.session().noteToken(token);
        exchange.session().notePeer(exchange.http().peer());
        return chain.proceed(exchange);
    }
}
