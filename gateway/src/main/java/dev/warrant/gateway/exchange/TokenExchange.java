package dev.warrant.gateway.exchange;

import dev.warrant.delegation.Delegator;
import dev.warrant.delegation.HopSpec;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.errors.WarrantException;
import dev.warrant.gateway.identity.BearerFormat;
import dev.warrant.gateway.identity.JwtIdentities;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSink;
import dev.warrant.gateway.transport.PeerIdentity;
import dev.warrant.otel.MetaPropagation;
import dev.warrant.otel.Telemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * {@code POST /oauth/token}: RFC 8693 token exchange into a Warrant token (docs/ARCHITECTURE.md §3.7). The subject
 * is an IdP JWT (minted into a token for its identity, as on {@code /mcp}) or a Warrant token; an actor makes the
 * exchange a delegation hop from the subject's holder to the actor's agent; a scope narrows what the hop allows.
 * The answer is an attenuation of the subject, so it can never allow more than the subject does. Every exchange,
 * issued or refused, is audited and traced; the hop carries the exchange's trace context, so the calls made with
 * the issued token join that trace.
 *
 * <p>Concurrency: the handler runs on the event loop; token checks answer asynchronously and the attenuation
 * (one signature) runs on a worker.
 */
public final class TokenExchange {

    private static final Logger LOG = LoggerFactory.getLogger(TokenExchange.class);
    static final String METHOD = "oauth/token";

    private final Vertx vertx;
    private final Authenticator authenticator;
    private final Optional<JwtIdentities> identities;
    private final Set<String> resources;
    private final AuditSink audit;
    private final Telemetry telemetry;
    private final Clock clock;

    /** @param resources the names this gateway answers to as an RFC 8707 resource */
    public TokenExchange(Vertx vertx, Authenticator authenticator, Optional<JwtIdentities> identities,
                         Set<String> resources, AuditSink audit, Telemetry telemetry, Clock clock) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.identities = identities;
        this.resources = Set.copyOf(resources);
        this.audit = audit;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    public void handle(RoutingContext ctx) {
        long started = System.nanoTime();
        Context parent = MetaPropagation.fromTraceparent(telemetry.propagator(), ctx.request().getHeader("traceparent"));
        Span span = telemetry.tracer().spanBuilder("warrant token exchange").setParent(parent)
                .setSpanKind(SpanKind.SERVER).startSpan();
        Future<Issued> issued;
        try {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                throw ExchangeError.invalidRequest("the body must be application/x-www-form-urlencoded");
            }
            ExchangeRequest request = ExchangeRequest.from(ctx.request().formAttributes());
            Optional<String> server = request.resource().flatMap(this::server);
            String traceparent = MetaPropagation.traceparent(telemetry.propagator(), parent.with(span));
            issued = exchange(request, server, traceparent, PeerIdentity.of(ctx.request()));
        } catch (ExchangeError e) {
            issued = Future.failedFuture(e);
        }
        issued.onComplete(ar -> {
            long micros = (System.nanoTime() - started) / 1000;
            String traceId = span.getSpanContext().isValid() ? span.getSpanContext().getTraceId() : null;
            String spanId = span.getSpanContext().isValid() ? span.getSpanContext().getSpanId() : null;
            AuditRecord record;
            int status;
            JsonObject body;
            if (ar.succeeded()) {
                Issued i = ar.result();
                span.setAttribute("warrant.caller", i.verified().caller());
                span.setAttribute("warrant.chain", String.join(" > ", i.verified().chain()));
                record = new AuditRecord(clock.instant(), "allow", "allowed", null, i.verified().caller(),
                        i.verified().chain(), i.verified().task().orElse(null), METHOD, null, null, null, null, null,
                        null, i.verified().revocationIds(), traceId, null, micros, null, null, spanId);
                status = 200;
                body = new JsonObject().put("access_token", i.token())
                        .put("issued_token_type", TokenTypes.BISCUIT).put("token_type", "Bearer")
                        .put("expires_in", Math.max(0, Duration.between(clock.instant(), i.verified().expiresAt()).getSeconds()));
            } else {
                ExchangeError error = asExchangeError(ar.cause());
                span.setStatus(StatusCode.ERROR, error.error);
                record = new AuditRecord(clock.instant(), "deny", error.warrantReason != null ? error.warrantReason
                        : error.error, null, null, java.util.List.of(), null, METHOD, null, null, null, null, null,
                        null, java.util.List.of(), traceId, null, micros, null, null, spanId);
                status = error.status();
                body = error.body();
            }
            // As for every call: the span is complete and the audit line written before the answer leaves, and no
            // token is handed out that the audit log does not hold (no audit, no action).
            span.end();
            io.vertx.core.Context context = vertx.getOrCreateContext();
            audit.record(record).whenComplete((written, failed) -> context.runOnContext(v -> {
                HttpServerResponse res = ctx.response().putHeader("Cache-Control", "no-store")
                        .putHeader("Pragma", "no-cache").putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
                if (failed != null) {
                    LOG.error("token exchange not answered: the audit log cannot be written ({})", failed.toString());
                    res.setStatusCode(503).end(new JsonObject().put("error", "temporarily_unavailable")
                            .put("error_description", "the audit log cannot be written").encode());
                } else {
                    res.setStatusCode(status).end(body.encode());
                }
            }));
        });
    }

    /** The issued token and what it verified to. */
    private record Issued(String token, VerifiedToken verified) {
    }

    /** Who the exchange hands the subject to: an agent, and the workload it is bound to when named by mTLS. */
    private record Actor(String agent, Optional<String> peer) {
    }

    /**
     * What a {@code resource} asks for: this gateway ({@code .../mcp}: no narrowing) or one of its virtual servers
     * ({@code .../servers/<name>/mcp}: the token is narrowed to that upstream); anything else is not this gateway.
     */
    private Optional<String> server(String resource) {
        if (resources.contains(resource)) {
            return Optional.empty();
        }
        for (String own : resources) {
            String base = own.endsWith("/mcp") ? own.substring(0, own.length() - "/mcp".length()) : own;
            String prefix = base + "/servers/";
            if (resource.startsWith(prefix) && resource.endsWith("/mcp")) {
                String name = resource.substring(prefix.length(), resource.length() - "/mcp".length());
                if (name.matches("[A-Za-z0-9_.-]{1,64}")) {
                    return Optional.of(name);
                }
            }
        }
        throw ExchangeError.invalidTarget("resource is neither this gateway nor one of its servers");
    }

    private Future<Issued> exchange(ExchangeRequest request, Optional<String> server, String traceparent,
                                    Optional<String> connectionPeer) {
        Future<Issued> subject = token(request.subjectToken(), request.subjectTokenType(), "subject_token");
        Future<Optional<Actor>> actor = request.actorToken().isEmpty() ? Future.succeededFuture(Optional.empty())
                : actor(request.actorToken().get(), request.actorTokenType().orElseThrow(), connectionPeer).map(Optional::of);
        return Future.all(subject, actor).compose(both -> {
            Issued s = subject.result();
            Optional<Actor> to = actor.result();
            if (to.isEmpty() && request.scope().isEmpty() && server.isEmpty()) {
                return Future.succeededFuture(s);
            }
            HopSpec.Builder hop = to.map(a -> HopSpec.delegateTo(a.agent())).orElseGet(HopSpec::selfAttenuation);
            // An actor named by its certificate gets a token that works only over a connection presenting it.
            to.flatMap(Actor::peer).ifPresent(hop::peer);
            if (request.scope().isPresent()) {
                Scope.applyTo(request.scope().get(), server, hop);
            } else {
                server.ifPresent(name -> hop.tools(name, "*").prompts(name, "*").resources(name, "*"));
            }
            if (traceparent != null) {
                hop.trace(traceparent);
            }
            HopSpec spec = hop.build();
            return vertx.executeBlocking(() -> Delegator.attenuate(s.token(), spec, clock), false)
                    .compose(token -> authenticator.authenticate("Bearer " + token)
                            .map(verified -> new Issued(token, verified))
                            .recover(e -> Future.failedFuture(ExchangeError.invalidRequest(
                                    "the exchanged token would not be accepted: " + reasonOf(e)))));
        });
    }

    /**
     * The actor: a token's holder (a JWT's mapped agent), or the workload of this connection's verified client
     * certificate, which the request must name exactly (so an actor is never assumed from the connection alone).
     */
    private Future<Actor> actor(String token, String type, Optional<String> connectionPeer) {
        if (!type.equals(TokenTypes.MTLS_PEER)) {
            return token(token, type, "actor_token").map(a -> new Actor(a.verified().caller(), Optional.empty()));
        }
        if (connectionPeer.isEmpty() || !connectionPeer.get().equals(token)) {
            return Future.failedFuture(ExchangeError.invalidGrant(
                    "actor_token does not name this connection's verified client certificate", null));
        }
        return Future.succeededFuture(new Actor(token, Optional.of(token)));
    }

    /** A subject or actor token, checked as a bearer on /mcp would be (signature, expiry, revocation). */
    private Future<Issued> token(String token, String type, String parameter) {
        boolean jwt = TokenTypes.JWT_TYPES.contains(type);
        if (jwt != BearerFormat.looksLikeJwt(token)) {
            return Future.failedFuture(ExchangeError.invalidRequest(parameter + " is not a token of its stated type"));
        }
        if (jwt && identities.isEmpty()) {
            return Future.failedFuture(ExchangeError.invalidRequest("this gateway accepts no JWTs (no identity: configured)"));
        }
        Future<Issued> checked = jwt
                ? identities.get().minted(token).compose(m -> authenticator.stillValid(m.verified())
                        .map(v -> new Issued(m.token(), v)))
                : authenticator.authenticate("Bearer " + token).map(v -> new Issued(token, v));
        return checked.recover(e -> Future.failedFuture(e instanceof ExchangeError ? e
                        : ExchangeError.invalidGrant(parameter + " refused: " + reasonOf(e), reasonCode(e))));
    }

    private static ExchangeError asExchangeError(Throwable e) {
        if (e instanceof ExchangeError x) {
            return x;
        }
        LOG.error("token exchange failed unexpectedly: {}", e.toString());
        return ExchangeError.invalidRequest("the exchange could not be completed");
    }

    private static String reasonCode(Throwable e) {
        return e instanceof WarrantException w ? w.reason().code() : null;
    }

    private static String reasonOf(Throwable e) {
        return e instanceof WarrantException w ? w.reason().code() : "not accepted";
    }
}
