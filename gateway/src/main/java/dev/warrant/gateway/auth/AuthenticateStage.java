package dev.warrant.gateway.auth;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/** Every request carries a valid, unrevoked token, or goes no further (HTTP 401). */
public final class AuthenticateStage implements Stage {

    private final Authenticator authenticator;
    /** Session id to that session's memo, or null; ownership is checked later, by the session stage. */
    private final Function<String, BearerMemo> memos;

    public AuthenticateStage(Authenticator authenticator) {
        this(authenticator, id -> null);
    }

    public AuthenticateStage(Authenticator authenticator, Function<String, BearerMemo> memos) {
        this.authenticator = authenticator;
        this.memos = memos;
    }

    @Override
    public StageKind kind() {
        return StageKind.AUTHENTICATE;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        String sessionId = exchange.http().sessionId();
        // A message naming a session asks that session's memo (owner-checked); one naming none, its connection's.
        BearerMemo memo = sessionId == null || sessionId.isEmpty() ? exchange.http().connectionMemo()
                : memos.apply(sessionId);
        return authenticator.authenticate(exchange.http().authorization(), memo).compose(token -> {
            exchange.token(token);
            return chain.proceed(exchange);
        });
    }
}
