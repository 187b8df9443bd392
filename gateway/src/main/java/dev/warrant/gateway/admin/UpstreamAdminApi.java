package dev.warrant.gateway.admin;

import dev.warrant.adapters.Upstream;
import dev.warrant.adapters.UpstreamException;
import dev.warrant.delegation.VerifiedToken;
import dev.warrant.delegation.Vocabulary;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.cluster.UpstreamDirectory;
import dev.warrant.gateway.cluster.UpstreamRegistration;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.upstream.CredentialTemplates;
import dev.warrant.gateway.upstream.RegisteredUpstreams;
import dev.warrant.gateway.upstream.ToolEntry;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.adapters.HttpUpstreamSpec;
import dev.warrant.policies.Operation;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Upstreams registered by tool providers (docs/ARCHITECTURE.md §7):
 * <ul>
 *   <li>{@code PUT /admin/upstreams/{name}}: register or replace a Streamable HTTP upstream; 201 (new) or 200
 *       (replaced) once this member has connected it and listed its tools; every member connects it too.</li>
 *   <li>{@code DELETE /admin/upstreams/{name}}: remove it everywhere; 200, or 404 {@code upstream_unknown}.</li>
 *   <li>{@code GET /admin/upstreams}: what the caller may manage (admins: everything, static ones included),
 *       never a header value.</li>
 * </ul>
 * Who may: a token with {@code right("admin", "warrant", "upstreams.write"|"upstreams.read")} (or {@code "*"})
 * manages every name; a provider token with {@code right("provider", "upstream", "<name>")} only that name
 * (403 {@code forbidden} otherwise). Both decided by the same policy engine as agents' calls. A name from the
 * static config cannot be registered or removed here (409 {@code upstream_static}).
 *
 * <p>Durability: a registration or removal is in the cluster maps and fsync'd to this member's journal before
 * the answer (see UpstreamDirectory), so it survives a full cluster restart.
 *
 * <p>Concurrency: handlers run on the event loop; registering and removing (Hazelcast calls and an fsync) run
 * on a worker.
 */
public final class UpstreamAdminApi {

    private static final Logger LOG = LoggerFactory.getLogger(UpstreamAdminApi.class);
    public static final String WRITE = "upstreams.write";
    public static final String READ = "upstreams.read";
    static final String NAME_PARAM = "name";
    /** How long PUT waits for this member's connection beyond the upstream's own timeout. */
    static final Duration CONNECT_GRACE = Duration.ofSeconds(15);

    private final Vertx vertx;
    private final Authenticator authenticator;
    private final PolicyEngine engine;
    private final UpstreamDirectory directory;
    private final RegisteredUpstreams registered;
    private final UpstreamRegistry registry;
    private final List<GatewayConfig.Upstream> staticUpstreams;
    private final Clock clock;
    private final Function<String, String> env;

    public UpstreamAdminApi(Vertx vertx, Authenticator authenticator, PolicyEngine engine, UpstreamDirectory directory,
                            RegisteredUpstreams registered, UpstreamRegistry registry,
                            List<GatewayConfig.Upstream> staticUpstreams, Clock clock, Function<String, String> env) {
        this.vertx = vertx;
        this.authenticator = authenticator;
        this.engine = engine;
        this.directory = directory;
        this.registered = registered;
        this.registry = registry;
        this.staticUpstreams = List.copyOf(staticUpstreams);
        this.clock = clock;
        this.env = env;
    }

    public void routes(Router router) {
        String one = "/admin/upstreams/:" + NAME_PARAM;
        router.put(one).handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(this::put);
        router.delete(one).handler(this::delete);
        router.get("/admin/upstreams").handler(this::list);
    }

    void put(RoutingContext ctx) {
        String name = ctx.pathParam(NAME_PARAM);
        mayManage(ctx, name).compose(token -> {
            JsonObject body = body(ctx);
            UpstreamRegistration request = RegistrationRequest.parse(name, body, token.caller(), clock.millis(), env);
            // Blocking: the cluster maps, then this member's journal, fsync'd before the answer.
            return vertx.executeBlocking(() -> directory.register(request), false)
                    .compose(stored -> connectHere(stored.registration())
                            .map(v -> {
                                UpstreamRegistration r = stored.registration();
                                LOG.info("upstream {} registered by {} ({})", name, token.caller(), r.url());
                                return new Answer(stored.replaced() ? 200 : 201, describe(r));
                            }));
        }).onComplete(ar -> {
            if (ar.succeeded()) {
                AdminAccess.json(ctx.response(), ar.result().status(), ar.result().body());
            } else {
                fail(ctx, ar.cause());
            }
        });
    }

    /**
     * This member connects the registration now and reports the outcome; a registration that cannot be
     * reached from here is withdrawn again (unless replaced meanwhile), so what PUT accepted is serving.
     */
    private Future<Void> connectHere(UpstreamRegistration r) {
        long waitMillis = Math.max(r.timeoutMillis(), 10_000) + CONNECT_GRACE.toMillis();
        Future<Void> connected = Future.fromCompletionStage(
                registered.apply(r).orTimeout(waitMillis, TimeUnit.MILLISECONDS), vertx.getOrCreateContext());
        return connected.recover(e -> vertx.executeBlocking(() -> {
                    LOG.warn("upstream {} registered by {} unreachable, registration withdrawn: {}", r.name(),
                            r.registeredBy(), e.toString());
                    return directory.withdraw(r);
                }, false)
                .transform(w -> Future.failedFuture(new AdminRefusal(AdminReason.UPSTREAM_UNREACHABLE, "upstream '" + r.name()
                        + "' could not be connected from this gateway: " + rootMessage(e)))));
    }

    void delete(RoutingContext ctx) {
        String name = ctx.pathParam(NAME_PARAM);
        mayManage(ctx, name)
                .compose(token -> vertx.executeBlocking(() -> directory.remove(name), false)
                        .compose(removed -> {
                            if (removed.isEmpty()) {
                                return Future.failedFuture(new AdminRefusal(AdminReason.UPSTREAM_UNKNOWN, "no registered upstream '" + name + "'"));
                            }
                            LOG.info("upstream {} removed by {}", name, token.caller());
                            // Disconnected here before answering; the other members follow the map event.
                            return Future.fromCompletionStage(registered.withdraw(name), vertx.getOrCreateContext());
                        }))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        AdminAccess.json(ctx.response(), 200, new JsonObject().put("removed", name));
                    } else {
                        fail(ctx, ar.cause());
                    }
                });
    }

    void list(RoutingContext ctx) {
        authenticator.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
                .compose(token -> vertx.executeBlocking(() -> {
                    boolean admin = isAdmin(token, READ);
                    JsonArray out = new JsonArray();
                    if (admin) {
                        staticUpstreams.forEach(u -> out.add(describeStatic(u)));
                    }
                    directory.all().stream().sorted(Comparator.comparing(UpstreamRegistration::name))
                            .filter(r -> admin || provides(token, r.name()))
                            .forEach(r -> out.add(describe(r)));
                    return new JsonObject().put("upstreams", out);
                }, false))
                .onComplete(ar -> {
                    if (ar.succeeded()) {
                        AdminAccess.json(ctx.response(), 200, ar.result());
                    } else {
                        fail(ctx, ar.cause());
                    }
                });
    }

    /** Authenticated, then: an admin right for writes, or a provider right for exactly this name. */
    private Future<VerifiedToken> mayManage(RoutingContext ctx, String name) {
        return authenticator.authenticate(ctx.request().getHeader(HttpHeaders.AUTHORIZATION)).map(token -> {
            RegistrationRequest.requireName(name);
            if (!isAdmin(token, WRITE) && !provides(token, name)) {
                throw new AdminRefusal(AdminReason.FORBIDDEN, "no admin or provider right for upstream '" + name + "'");
            }
            if (registered.isStatic(name)) {
                throw new AdminRefusal(AdminReason.UPSTREAM_STATIC, "'" + name + "' comes from the static configuration; change it there");
            }
            return token;
        });
    }

    private boolean isAdmin(VerifiedToken token, String action) {
        return engine.decide(token, Operation.admin(AdminApi.AREA, action, Optional.empty())).allowed();
    }

    /** {@code request("provider", "upstream", name)} against the token: the provider right's decision. */
    private boolean provides(VerifiedToken token, String name) {
        return engine.decide(token, new Operation("admin", Vocabulary.KIND_PROVIDER, Vocabulary.PROVIDER_UPSTREAM,
                name, Map.of(), Optional.empty(), Optional.empty())).allowed();
    }

    private record Answer(int status, JsonObject body) {
    }

    private JsonObject describe(UpstreamRegistration r) {
        TreeSet<String> variables = new TreeSet<>();
        r.headers().values().forEach(t -> variables.addAll(CredentialTemplates.references(t)));
        return state(r.name(), new JsonObject()
                .put("name", r.name())
                .put("source", "api")
                .put("transport", "http")
                .put("url", r.url())
                .put("headers", new JsonArray(new ArrayList<>(r.headers().keySet())))
                .put("credentialEnv", new JsonArray(new ArrayList<>(variables)))
                .put("timeout", Duration.ofMillis(r.timeoutMillis()).toString())
                .put("registeredBy", r.registeredBy())
                .put("registeredAt", Instant.ofEpochMilli(r.registeredAtMillis()).toString()));
    }

    private JsonObject describeStatic(GatewayConfig.Upstream u) {
        JsonObject o = new JsonObject().put("name", u.spec().name()).put("source", "config");
        if (u.spec() instanceof HttpUpstreamSpec http) {
            o.put("transport", "http").put("url", http.url().toString())
                    .put("headers", new JsonArray(new ArrayList<>(new TreeSet<>(http.headers().keySet()))));
        } else if (u.spec() instanceof dev.warrant.adapters.StdioUpstreamSpec) {
            o.put("transport", "stdio"); // the command line stays in the config file
        } else {
            o.put("transport", "other"); // e.g. legacy SSE: its URL and headers stay in the config file
        }
        return state(u.spec().name(), o.put("timeout", u.spec().requestTimeout().toString()));
    }

    /** Whether this member is connected to it, and how many tools it has here. */
    private JsonObject state(String name, JsonObject o) {
        Upstream upstream = registry.upstream(name);
        long tools = registry.catalog().all().stream().map(ToolEntry::server).filter(name::equals).count();
        return o.put("connected", upstream != null && upstream.isOpen()).put("tools", tools);
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject body = ctx.body().asJsonObject();
            if (body == null) {
                throw new AdminRefusal(AdminReason.INVALID_REQUEST, "body must be a JSON object");
            }
            return body;
        } catch (DecodeException | ClassCastException e) {
            throw new AdminRefusal(AdminReason.PARSE_ERROR, "body must be a JSON object");
        }
    }

    private static void fail(RoutingContext ctx, Throwable cause) {
        AdminErrors.send(ctx.response(), cause, LOG);
    }

    /** One plain phrase for the caller (the gateway log has the full cause): no exception names, no internals. */
    private static String rootMessage(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof UpstreamException u) {
                return switch (u.kind()) {
                    case TIMEOUT -> "no answer within the timeout";
                    case PROTOCOL -> "it does not speak a supported MCP protocol version";
                    case ERROR_RESPONSE -> "it refused initialize";
                    default -> "connection refused or lost";
                };
            }
            if (c instanceof java.util.concurrent.TimeoutException) {
                return "no answer within the timeout";
            }
        }
        return "connection failed";
    }
}
