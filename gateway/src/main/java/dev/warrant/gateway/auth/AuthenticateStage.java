package dev.warrant.gateway.auth;

import dev.warrant.gateway.pipeline.McpExchange;
import dev.warrant.gateway.pipeline.Stage;
import dev.warrant.gateway.pipeline.StageKind;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Every request carries a valid, unrevoked token, or goes no further (HTTP 401). */
public final class AuthenticateStage implements Stage {

    private final Authenticator authenticator;

    public AuthenticateStage(Authenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public StageKind kind() {
        return StageKind.AUTHENTICATE;
    }

    @Override
    public Future<JsonObject> handle(McpExchange exchange, Chain chain) {
        return authenticator.authenticate(exchange.http().authorization()).compose(token -> {
            exchange.token(token);
            return chain.proceed(exchange);
        });
    }
}
