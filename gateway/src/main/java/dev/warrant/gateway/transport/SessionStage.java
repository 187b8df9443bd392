package dev.warrant.gateway.transport;

import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.errors.Reason;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.modern.ModernEnvelope;
import dev.warrant.gateway.modern.RemovedMethods;
import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.MessageKind;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Streamable HTTP sessions: {@code initialize} opens one (owned by the authenticated caller), entered into the
 * table only once everything after this stage allowed it; every other message must name a live session it
 * owns and, when it sends MCP-Protocol-Version, a version we speak.
 *
 * <p>A 2026-07-28 message has no session: its request carries what a session remembered in {@code _meta}, read
 * here into the exchange's {@link ModernEnvelope} once its routing headers agree with its body. An
 * {@code Mcp-Session-Id} it sends is ignored, as the revision says. It may not POST responses (it is never asked
 * anything by a JSON-RPC request); its notifications are accepted and have no effect.
 */
public final class SessionStage implements Stage {

    private final SessionRegistry sessions;
    private final ModernRequests modernRequests;

    public SessionStage(SessionRegistry sessions) {
        this(sessions, new ModernRequests());
    }

    public SessionStage(SessionRegistry sessions, ModernRequests modernRequests) {
        this.sessions = sessions;
        this.modernRequests = modernRequests;
    }

    @Override
    public StageKind kind() {
        return StageKind.SESSION;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        if (exchange.modern()) {
            return modern(exchange, chain);
        }
        VerifiedToken token = exchange.token();
        String grant = token.grant();
        if (exchange.kind() == MessageKind.REQUEST && "initialize".equals(exchange.method())) {
            Object requested = exchange.request().params().getValue("protocolVersion");
            String version = ProtocolVersions.negotiate(requested instanceof String s ? s : null);
            Object declared = exchange.request().params().getValue("capabilities");
            Session opened = sessions.open(grant, token.caller(), version,
                    declared instanceof JsonObject c ? c : new JsonObject());
            exchange.session(opened);
            opened.noteToken(token);
            opened.notePeer(exchange.http().peer());
            // A refused initialize (rate limit, policy, ...) leaves nothing behind.
            return chain.proceed(exchange).map(result -> {
                sessions.admit(opened);
                return result;
            }).onFailure(e -> opened.close());
        }
        String header = exchange.http().protocolVersion();
        if (header != null && !ProtocolVersions.isSupported(header)) {
            throw WarrantException.of(Reason.PROTOCOL_VERSION_UNSUPPORTED, "unsupported MCP-Protocol-Version: " + header);
        }
        Session session = sessions.resolve(exchange.http().sessionId(), grant, token.caller());
        exchange.session(session);
        session.noteToken(token);
        session.notePeer(exchange.http().peer());
        return chain.proceed(exchange);
    }

    private Future<JsonObject> modern(McpExchange exchange, Chain chain) {
        switch (exchange.kind()) {
            case REQUEST -> {
                exchange.envelope(ModernEnvelope.read(exchange.request(), exchange.http().protocolVersion(),
                        exchange.http().routing()));
                if (RemovedMethods.contains(exchange.method())) {
                    // Before authorization: a removed method is not an operation to decide about.
                    throw WarrantException.of(Reason.METHOD_NOT_FOUND, exchange.method());
                }
                // The request is its own scope while it runs, so revoking its token reaches what it started.
                ModernRequest scope = modernRequests.open(exchange.token());
                exchange.scope(scope);
                return chain.proceed(exchange).andThen(ar -> modernRequests.close(scope));
            }
            // The revision defines no notification a client sends over HTTP: only its version is checked.
            case NOTIFICATION -> ModernEnvelope.checkServed(exchange.http().protocolVersion());
            case RESPONSE -> throw WarrantException.of(Reason.INVALID_REQUEST,
                    "a 2026-07-28 client is never sent a request, so it cannot POST a response");
            default -> throw WarrantException.of(Reason.METHOD_NOT_ALLOWED, "2026-07-28 uses POST only");
        }
        return chain.proceed(exchange);
    }
}
