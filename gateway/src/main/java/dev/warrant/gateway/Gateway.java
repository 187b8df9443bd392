package dev.warrant.gateway;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.KeyFileException;
import dev.warrant.delegation.KeyFiles;
import dev.warrant.delegation.KeyRing;
import dev.warrant.delegation.Minter;
import dev.warrant.delegation.PolicySet;
import dev.warrant.delegation.RootPublicKey;
import dev.warrant.delegation.SigningKey;
import dev.warrant.delegation.Verifier;
import dev.warrant.delegation.VerifierSettings;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.admin.GatewayStatus;
import dev.warrant.gateway.admin.OperatorApi;
import dev.warrant.gateway.admin.RevocationPreview;
import dev.warrant.gateway.admin.RevocationReach;
import dev.warrant.gateway.admin.TokenInspection;
import dev.warrant.gateway.cluster.MemberViews;
import dev.warrant.gateway.cluster.Revocation;
import dev.warrant.gateway.admin.UpstreamAdminApi;
import dev.warrant.gateway.approval.ApprovalApi;
import dev.warrant.gateway.approval.ApprovalStage;
import dev.warrant.gateway.approval.ApprovalWebhook;
import dev.warrant.gateway.approval.HeldCallQuota;
import dev.warrant.gateway.approval.ClusterApprovals;
import dev.warrant.gateway.auth.AuthenticateStage;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.auth.VerifiedTokenCache;
import dev.warrant.gateway.authorize.AuthorizeStage;
import dev.warrant.gateway.builtin.BuiltinTools;
import dev.warrant.gateway.builtin.DelegateTool;
import dev.warrant.gateway.builtin.InspectTool;
import dev.warrant.gateway.cluster.ClusterNode;
import dev.warrant.gateway.cluster.ClusterRevocations;
import dev.warrant.gateway.cluster.ClusterSessions;
import dev.warrant.gateway.cluster.RotatingKeys;
import dev.warrant.gateway.cluster.UpstreamDirectory;
import dev.warrant.gateway.config.ConfigException;
import dev.warrant.gateway.console.Console;
import dev.warrant.gateway.console.ConsoleBackends;
import dev.warrant.gateway.record.search.AuditSearchApi;
import dev.warrant.gateway.record.search.SearchBudget;
import dev.warrant.gateway.config.GatewayConfig;
import dev.warrant.gateway.exchange.TokenExchange;
import dev.warrant.gateway.forward.ForwardStage;
import dev.warrant.gateway.health.Readiness;
import dev.warrant.gateway.forward.NotificationStage;
import dev.warrant.gateway.forward.ResponseStage;
import dev.warrant.gateway.forward.McpMethods;
import dev.warrant.gateway.json.RawJsonCodec;
import dev.warrant.gateway.identity.IdentitySettings;
import dev.warrant.gateway.identity.IssuerSettings;
import dev.warrant.gateway.identity.JwtIdentities;
import dev.warrant.gateway.identity.JwtVerifier;
import dev.warrant.gateway.identity.MappingFile;
import dev.warrant.gateway.limit.DenialCounter;
import dev.warrant.gateway.limit.DriftContainment;
import dev.warrant.gateway.limit.LimitStage;
import dev.warrant.gateway.pipeline.MessageKind;
import dev.warrant.gateway.pipeline.Pipelines;
import dev.warrant.gateway.policy.PolicyReloader;
import dev.warrant.gateway.record.AuditSink;
import dev.warrant.gateway.record.GatewayObserver;
import dev.warrant.gateway.record.AuditSeal;
import dev.warrant.gateway.record.JsonLinesAuditLog;
import dev.warrant.gateway.record.RecordStage;
import dev.warrant.gateway.record.TelemetryAuditSink;
import dev.warrant.gateway.record.TelemetryObserver;
import dev.warrant.gateway.trace.TraceStage;
import dev.warrant.gateway.transport.AgentListeners;
import dev.warrant.gateway.transport.EndSessionStage;
import dev.warrant.gateway.transport.McpHttpTransport;
import dev.warrant.gateway.transport.ModernRequests;
import dev.warrant.gateway.modern.ListenHandler;
import dev.warrant.gateway.modern.Subscriptions;
import dev.warrant.gateway.modern.RequestStates;
import dev.warrant.gateway.forward.ParkedCalls;
import dev.warrant.gateway.transport.OpenStreamStage;
import dev.warrant.gateway.transport.OriginPolicy;
import dev.warrant.gateway.transport.ProtocolVersions;
import dev.warrant.gateway.transport.RevokedSessions;
import dev.warrant.gateway.tasks.LiveTasks;
import dev.warrant.gateway.tasks.TaskGate;
import dev.warrant.gateway.tasks.TaskResults;
import dev.warrant.gateway.tasks.TaskStore;
import dev.warrant.gateway.tasks.UpstreamCancel;
import dev.warrant.gateway.transport.Session;
import dev.warrant.gateway.transport.SessionRegistry;
import dev.warrant.gateway.transport.SessionStage;
import dev.warrant.gateway.transport.TlsListener;
import dev.warrant.gateway.upstream.ListChangedNotifier;
import dev.warrant.gateway.upstream.RegisteredUpstreams;
import dev.warrant.gateway.upstream.UpstreamRegistry;
import dev.warrant.otel.PrometheusReader;
import dev.warrant.otel.Telemetry;
import dev.warrant.policies.ArgumentLimits;
import dev.warrant.policies.PolicyEngine;
import dev.warrant.policies.limits.Ticker;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.Http2Settings;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One Warrant node: assembles the request path and starts serving. Reading this class top to bottom shows
 * the whole gateway: the cluster member, the verifier, the policy engine, the upstreams, the pipeline of
 * stages, and the HTTP routes.
 */
public final class Gateway implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);
    public static final String VERSION = "0.1.0";
    /** The cluster-wide key that seals multi round-trip state (docs/ARCHITECTURE.md §2.7). */
    static final String REQUEST_STATE_KEY = "request-state";
    static final Duration UPSTREAM_STARTUP_WAIT = Duration.ofSeconds(60);

    /** Everything this node acquired, closed in reverse order by {@link #close()}. */
    private final Resources resources;
    private final ClusterRevocations revocations;
    private final UpstreamRegistry upstreams;
    private final SessionRegistry sessions;
    private final AgentListeners server;
    private final String host;
    private final String scheme;

    private Gateway(Resources resources, ClusterRevocations revocations, UpstreamRegistry upstreams,
                    SessionRegistry sessions, AgentListeners server, String host, String scheme) {
        this.resources = resources;
        this.revocations = revocations;
        this.upstreams = upstreams;
        this.sessions = sessions;
        this.server = server;
        this.host = host;
        this.scheme = scheme;
    }

    /** Starts a node and blocks until it serves (or fails). Call from a plain thread, not an event loop. */
    public static Gateway start(GatewayConfig config, Telemetry telemetry, Clock clock) throws Exception {
        return start(config, member -> telemetry, false, clock);
    }

    /**
     * Starts a node whose telemetry is made once its cluster member exists, so that {@code service.instance.id}
     * is the member id ({@code Gateway.start(config, Telemetry::autoConfigured, clock)}); the node closes it.
     */
    public static Gateway start(GatewayConfig config, Function<String, Telemetry> telemetryForMember, Clock clock)
            throws Exception {
        return start(config, telemetryForMember, true, clock);
    }

    private static Gateway start(GatewayConfig config, Function<String, Telemetry> telemetryForMember,
                                 boolean ownsTelemetry, Clock clock) throws Exception {
        RawJsonCodec.install();
        // Each resource is registered as it is acquired: a failed start and close() tear down the same list.
        Resources resources = new Resources();
        // The audit key first: a member whose key is unreadable refuses to start before it joins anything.
        AuditSeal seal = auditSeal(config.stateDir());
        try {
            // Vert.x's default pool (two event loops per core), or more if the agent port is to use more.
            Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(
                    Math.max(VertxOptions.DEFAULT_EVENT_LOOP_POOL_SIZE, config.eventLoops())));
            resources.onAsyncClose("Vert.x", vertx::close);
            UpstreamRegistry upstreams = resources.add("upstreams", new UpstreamRegistry(vertx));
            ClusterNode cluster = resources.add("cluster member",
                    ClusterNode.start(config.clusterName(), config.host(), config.clusterPort(), config.clusterMembers(),
                            config.clusterKubernetes()));
            Telemetry telemetry = telemetryForMember.apply(cluster.memberId());
            if (ownsTelemetry) {
                resources.add("telemetry", telemetry);
            }
            ClusterRevocations revocations = resources.add("revocations", new ClusterRevocations(cluster,
                    config.stateDir().resolve("cluster"), clock, config.clusterRevokeTimeout()));

            // With identity: an IdP's JWTs become tokens minted by this gateway's identity key, which therefore
            // joins the root keys (docs/ARCHITECTURE.md §3.7).
            Optional<SigningKey> identityKey = config.identity().map(i -> identityKey(i, config.stateDir()));
            List<RootPublicKey> ring = new java.util.ArrayList<>(config.rootKeys());
            identityKey.map(SigningKey::publicKey).filter(k -> !ring.contains(k)).ifPresent(ring::add);
            KeyRing roots = KeyRing.of(ring);
            Verifier verifier = new Verifier(roots,
                    new VerifierSettings(config.maxTokenBytes(), config.maxChainDepth(), config.maxTokenTtl()), clock);
            PolicyEngine engine = new PolicyEngine(PolicySet.defaults(), AuthorizationLimits.defaults(),
                    ArgumentLimits.defaults(), clock);
            PolicyReloader policyReloader = null;
            if (config.policiesDir().isPresent()) {
                // Loads the directory now (a broken file fails the start) and hot-reloads it from then on.
                policyReloader = resources.add("policy reloader",
                        new PolicyReloader(config.policiesDir().get(), engine, clock).start(Duration.ofSeconds(1)));
            }

            connectUpstreams(config, upstreams);

            // Every audit record, whoever writes it (calls, token exchanges, revocations, alerts), is also a log
            // record when OTEL_LOGS_EXPORTER is set (docs/ARCHITECTURE.md §11.31); lines are chained and sealed (§8.1).
            AuditSink audit = resources.add("audit log", TelemetryAuditSink.exporting(new JsonLinesAuditLog(
                    config.auditLog(), config.audit(), seal),
                    telemetry, config.audit()));
            // base64url inflates by 4/3: refuse longer text before decoding anything.
            int maxTokenLength = config.maxTokenBytes() * 4 / 3 + 4;
            // 2025 sessions: any member serves any of them (sealed ids, shared state; docs/ARCHITECTURE.md §5.5).
            // Their ids are sealed under keys the cluster rotates (sessions.keyRotation), kept for sessions.maxAge.
            RotatingKeys sessionKeys = resources.add("session id keys", new RotatingKeys(cluster,
                    ClusterSessions.KEY_NAME, config.sessions().keyRotation(), config.sessions().retainedKeys(), clock));
            SessionRegistry sessions = new SessionRegistry(clock, config.sessions(),
                    new ClusterSessions(cluster, sessionKeys));
            // A multi round-trip request's state lives minutes (RequestStates.TTL): hourly keys, the last two kept.
            RotatingKeys requestStateKeys = resources.add("request state keys", new RotatingKeys(cluster,
                    REQUEST_STATE_KEY, Duration.ofHours(1), 2, clock));
            // 2026-07-28 requests have no session: each is its own scope while in flight, for revocation.
            ModernRequests modernRequests = new ModernRequests();
            // Their subscriptions/listen streams, under the same quotas as sessions.
            Subscriptions subscriptions = new Subscriptions(config.sessions().max(), config.sessions().perGrant());
            // Upstream calls waiting for a 2026 agent's answers (multi round-trip requests).
            ParkedCalls parkedCalls = new ParkedCalls(ParkedCalls.DEFAULT_PER_GRANT, clock);
            // Tasks (the 2026 tasks extension) under Warrant's handles, readable on every member; the ones this
            // member created are cancelled upstream when their token is revoked.
            TaskStore taskStore = new TaskStore(cluster.hazelcast(), clock);
            UpstreamCancel cancelTask = new UpstreamCancel(upstreams);
            LiveTasks liveTasks = new LiveTasks(cancelTask, taskStore, clock);
            resources.onClose("sessions", sessions::closeAll);
            JwtIdentities identities = null;
            MappingFile identityMapping = null;
            if (config.identity().isPresent()) {
                IdentitySettings settings = config.identity().get();
                JwtVerifier jwts = JwtVerifier.create(vertx, settings, clock);
                resources.onAsyncClose("JWT verifier", jwts::close);
                // Fetch the issuers' keys now, so the first JWT does not wait for them (a failure only logs).
                jwts.prefetch();
                MappingFile mapping = resources.add("identity mapping", new MappingFile(settings.mapping())
                        .start(Duration.ofSeconds(1)));
                identityMapping = mapping;
                identities = new JwtIdentities(vertx, jwts, mapping,
                        new Minter(identityKey.orElseThrow(), clock, config.maxTokenTtl()), verifier, clock,
                        config.maxTokenTtl());
            }
            VerifiedTokenCache verifiedTokens = new VerifiedTokenCache(100_000, config.maxTokenTtl(), clock);
            Authenticator authenticator = new Authenticator(vertx, verifier, verifiedTokens, revocations, clock,
                    maxTokenLength, identities);

            BuiltinTools builtins = new BuiltinTools(List.of(
                    new DelegateTool(telemetry, clock, maxTokenLength),
                    new InspectTool(upstreams, engine, vertx, verifier, clock, maxTokenLength)));

            // Held calls waiting for a human live in the cluster: any member lists and resolves them.
            ClusterApprovals approvals = resources.add("approvals", new ClusterApprovals(vertx, cluster.hazelcast()));
            // Approvers' webhooks are told of each call this member holds; links default to this member's address.
            java.util.concurrent.atomic.AtomicReference<String> ownBase = new java.util.concurrent.atomic.AtomicReference<>();
            ApprovalWebhook webhooks = resources.add("approval webhooks", new ApprovalWebhook(vertx, config.approvals(),
                    ownBase::get, ApprovalWebhook.Backoff.DEFAULT, clock,
                    telemetry.openTelemetry().getMeter(Telemetry.INSTRUMENTATION_SCOPE)));

            // Drift containment sees every outcome; off unless limits.drift is configured.
            AuditSink alerts = audit;
            GatewayObserver drift = config.limits().drift()
                    .<GatewayObserver>map(t -> new DriftContainment(DenialCounter.of(config.limits().scope(), t,
                            Ticker.SYSTEM, cluster::memberCount, cluster.hazelcast()), vertx, revocations, alerts, clock,
                            config.maxTokenTtl()))
                    .orElse(GatewayObserver.NOOP);

            // The request path (docs/ARCHITECTURE.md §2), in order. Every message passes the common stages; each
            // kind ends in its own terminal handler, and only requests are authorized and forwarded.
            Pipelines pipelines = Pipelines.startingWith(List.of(
                    new RecordStage(GatewayObserver.all(new TelemetryObserver(telemetry), drift), audit,
                            config.audit().refuseWhenFailing()),
                    new AuthenticateStage(authenticator, id -> {
                        Session session = sessions.peek(id);
                        return session == null ? null : session.bearerMemo();
                    }),
                    new TraceStage(telemetry),
                    new SessionStage(sessions, modernRequests),
                    new LimitStage(config.limits(), upstreams, Ticker.SYSTEM,
                            cluster::memberCount, cluster.hazelcast())))
                    .route(MessageKind.REQUEST,
                            new AuthorizeStage(engine, upstreams, telemetry, builtins,
                                    new TaskGate(taskStore, upstreams)),
                            new ApprovalStage(vertx, config.risk(), approvals, cluster.memberId(), clock,
                                    ApprovalStage.NOTIFY_EVERY, new HeldCallQuota(HeldCallQuota.DEFAULT_PER_GRANT),
                                    config.approvals().showArguments(), webhooks),
                            new ForwardStage(McpMethods.tables(VERSION, upstreams, engine, telemetry, builtins,
                                    config.listPageSize(),
                                    table -> new ListenHandler(vertx, subscriptions, table, upstreams, engine),
                                    new RequestStates(requestStateKeys), parkedCalls,
                                    new TaskResults(taskStore, liveTasks, cancelTask, clock), clock),
                                    VERSION))
                    .route(MessageKind.NOTIFICATION, new NotificationStage(sessions))
                    .route(MessageKind.RESPONSE, new ResponseStage(sessions))
                    .route(MessageKind.OPEN_STREAM, new OpenStreamStage())
                    .route(MessageKind.END_SESSION, new EndSessionStage(sessions))
                    .build();

            Router router = Router.router(vertx);
            // Headers carry the bearer token: room for the largest token we accept, and no more.
            int headerLimit = Math.max(8192, config.maxTokenBytes() * 2 + 4096);
            HttpServerOptions options = new HttpServerOptions()
                    // No WebSockets here: without these Vert.x puts a compression-negotiating handler in
                    // front of every request (it looked at each request's headers, on every call).
                    .setPerMessageWebSocketCompressionSupported(false)
                    .setPerFrameWebSocketCompressionSupported(false)
                    .setMaxHeaderSize(headerLimit)
                    // Console forms carry a pasted token (up to maxTokenBytes as base64): Netty's 8 KiB per field
                    // default failed those with a 500; the console's 64 KiB body limit is the bound instead.
                    .setMaxFormAttributeSize(64 * 1024)
                    .setInitialSettings(new Http2Settings().setMaxHeaderListSize(headerLimit));
            // TLS/mTLS on the agent port (docs/ARCHITECTURE.md §6): a client certificate's URI SAN becomes peer(...).
            config.tls().ifPresent(tls -> TlsListener.apply(options, tls, vertx));
            String scheme = config.tls().isPresent() ? "https" : "http";
            AgentListeners server = AgentListeners.listen(vertx, options, router, config.host(), config.port(),
                    config.eventLoops());
            Readiness readiness = new Readiness(() -> cluster.hazelcast().getLifecycleService().isRunning(),
                    config.upstreams().stream().map(u -> u.spec().name()).toList(), upstreams::upstream);
            // Stopping (docs/ARCHITECTURE.md §5.6): not ready, still serving for the drain; then no new connection,
            // and what is in flight has the grace period to finish.
            resources.onClose("agent port", () -> {
                readiness.stopping();
                Thread.sleep(config.shutdown().drain().toMillis());
                server.shutdown(config.shutdown().grace()).toCompletionStage().toCompletableFuture()
                        .get(config.shutdown().grace().toMillis() + Resources.ASYNC_CLOSE_WAIT.toMillis(),
                                java.util.concurrent.TimeUnit.MILLISECONDS);
            });
            int port = server.actualPort();
            String base = scheme + "://" + hostForUrl(config.host()) + ":" + port;
            ownBase.set(base);
            String metadataUrl = base + "/.well-known/oauth-protected-resource";

            OriginPolicy origins = originPolicy(config, port);
            McpHttpTransport transport = new McpHttpTransport(vertx, pipelines, origins, metadataUrl);
            AdminApi admin = new AdminApi(vertx, authenticator, engine, revocations, clock, config.maxTokenTtl());

            BodyHandler body = BodyHandler.create(false).setBodyLimit(config.maxBodyBytes());
            router.post("/mcp").handler(body).handler(transport::post);
            router.get("/mcp").handler(transport::get);
            router.delete("/mcp").handler(transport::delete);
            // One upstream as a virtual server with its original names (same pipeline, same authorization).
            router.post("/servers/:" + McpHttpTransport.SERVER_PARAM + "/mcp").handler(body).handler(transport::post);
            router.get("/servers/:" + McpHttpTransport.SERVER_PARAM + "/mcp").handler(transport::get);
            router.delete("/servers/:" + McpHttpTransport.SERVER_PARAM + "/mcp").handler(transport::delete);
            // RFC 8693 token exchange: IdP JWTs and Warrant tokens into (delegated, narrowed) Warrant tokens.
            java.util.Set<String> resourceNames = new java.util.HashSet<>(java.util.Set.of(base + "/mcp"));
            config.identity().ifPresent(i -> resourceNames.add(i.resource()));
            TokenExchange exchange = new TokenExchange(vertx, authenticator, Optional.ofNullable(identities),
                    resourceNames, audit, telemetry, clock);
            router.post("/oauth/token").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(exchange::handle);
            router.post("/admin/revocations").handler(BodyHandler.create(false).setBodyLimit(64 * 1024)).handler(admin::revoke);
            router.get("/admin/cluster").handler(admin::cluster);
            PolicyReloader reloader = policyReloader;
            router.get("/admin/policies").handler(ctx -> admin.policies(ctx,
                    () -> Optional.ofNullable(reloader).map(PolicyReloader::status)));
            new ApprovalApi(authenticator, engine, approvals).routes(router);
            // The operator console's backends and the cluster-wide audit search ask every member (docs/ARCHITECTURE.md
            // §5.7, §5.8, §3.8, §8.2): each member answers for itself, within a bounded wait (§11.35).
            MemberViews memberViews = new MemberViews(cluster);
            // GET /admin/audit: this member's audit log (or, scope=cluster, every member's), searched off the event
            // loop (docs/ARCHITECTURE.md §8.2).
            AuditSearchApi auditSearch = resources.add("audit search", new AuditSearchApi(vertx, authenticator,
                    engine, config.auditLog(), SearchBudget.DEFAULT,
                    memberViews));
            auditSearch.routes(router);
            // Upstreams registered by tool providers (admin API) live in the cluster; every member connects
            // them, and every catalog change (registration, removal, an upstream's own list_changed) is
            // pushed to the sessions whose caller may see a changed item.
            upstreams.addCatalogListener(new ListChangedNotifier(vertx, sessions, subscriptions, engine));
            UpstreamDirectory directory = resources.add("upstream directory",
                    new UpstreamDirectory(cluster, config.stateDir().resolve("cluster"), clock));
            RegisteredUpstreams registered = resources.add("registered upstreams", new RegisteredUpstreams(upstreams,
                    config.upstreams().stream().map(u -> u.spec().name()).collect(java.util.stream.Collectors.toSet()),
                    System::getenv));
            directory.listen(registered);
            new UpstreamAdminApi(vertx, authenticator, engine, directory, registered, upstreams, config.upstreams(),
                    clock, System::getenv).routes(router);
            // A revoked token's open sessions (their streams and in-flight calls) end, on every member.
            RevokedSessions revokedSessions = new RevokedSessions(sessions, modernRequests, revocations, audit, clock,
                    revoked -> parkedCalls.abandon(revoked) + liveTasks.end(revoked));
            revocations.onRevoked(r -> vertx.runOnContext(v -> revokedSessions.endRevoked()));
            RevocationReach reach = new RevocationReach(sessions, modernRequests, parkedCalls, liveTasks, verifiedTokens);
            memberViews.register(RevocationReach.VIEW, r -> reach.count((Revocation) r).encode());
            MappingFile mappingFile = identityMapping;
            GatewayStatus gatewayStatus = new GatewayStatus(vertx, memberViews, approvals, RevocationPreview.DEFAULT_WAIT,
                    new GatewayStatus.Local(readiness, upstreams,
                            config.upstreams().stream().map(u -> u.spec().name()).toList(),
                            () -> Optional.ofNullable(reloader).map(PolicyReloader::status),
                            mappingFile == null ? null : mappingFile::lastError, sessions));
            memberViews.register(GatewayStatus.VIEW, q -> gatewayStatus.localView().encode());
            RevocationPreview revocationPreview = new RevocationPreview(vertx, memberViews, approvals,
                    RevocationPreview.DEFAULT_WAIT);
            TokenInspection tokenInspection = new TokenInspection(roots, verifier, revocations, clock, maxTokenLength);
            new OperatorApi(vertx, authenticator, engine, clock, config.maxTokenTtl(), revocationPreview,
                    tokenInspection, gatewayStatus, maxTokenLength).routes(router);
            router.get("/.well-known/oauth-protected-resource").handler(ctx -> ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .end(new JsonObject()
                            .put("resource", config.identity().map(IdentitySettings::resource).orElse(base + "/mcp"))
                            .put("authorization_servers", new JsonArray(config.identity()
                                    .map(i -> i.issuers().stream().map(IssuerSettings::issuer).toList())
                                    .orElse(List.of())))
                            .put("bearer_methods_supported", new JsonArray().add("header"))
                            .put("resource_name", "Warrant MCP gateway")
                            .encode()));
            router.get("/healthz").handler(ctx -> ctx.response().end("ok"));
            router.get("/readyz").handler(ctx -> {
                JsonObject status = readiness.status();
                ctx.response().setStatusCode(status.getBoolean("ready") ? 200 : 503)
                        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(status.encode());
            });
            Telemetry metrics = telemetry;
            metrics.metrics().observeRevocations(revocations::size);
            router.get("/metrics").handler(ctx -> ctx.response()
                    .putHeader(HttpHeaders.CONTENT_TYPE, PrometheusReader.CONTENT_TYPE).end(metrics.prometheusText()));
            // The operator console (docs/ARCHITECTURE.md §12): same port, same TLS, same admin rights as the API.
            if (config.console().enabled()) {
                ConsoleBackends backends = new ConsoleBackends(approvals, auditSearch, revocationPreview, revocations,
                        tokenInspection, gatewayStatus, config.maxTokenTtl());
                Console console = resources.add("console", new Console(vertx, cluster.hazelcast(), authenticator,
                        engine, backends, audit, config.console(), config.tls().isPresent(), maxTokenLength,
                        config.identity().map(IdentitySettings::resource), clock));
                console.routes(router);
                // Open live streams check their operators at once, as sessions end above.
                revocations.onRevoked(r -> console.revoked());
            }
            // Refusals raised by vertx-web itself (body limit, wrong method, a handler that threw) get the
            // same JSON-RPC error bodies as ours, never a plain-text page.
            router.route().failureHandler(transport::failure);
            router.errorHandler(405, transport::failure);
            router.errorHandler(500, transport::failure);
            vertx.setPeriodic(60_000, id -> sessions.expireIdle());

            LOG.info("Warrant listening on {} ({} upstreams, {} tools, MCP {})", base + "/mcp",
                    upstreams.names().size(), upstreams.catalog().size(), String.join(", ", ProtocolVersions.ALL));
            // The port stops taking requests before anything that serves them closes.
            resources.closeFirst("agent port");
            return new Gateway(resources, revocations, upstreams, sessions, server, config.host(), scheme);
        } catch (Exception | Error e) {
            resources.close();
            throw e;
        }
    }

    /** Connects every configured upstream; one that fails is logged and left out, the others serve. */
    private static void connectUpstreams(GatewayConfig config, UpstreamRegistry upstreams) {
        List<CompletableFuture<Void>> pending = config.upstreams().stream()
                .map(u -> upstreams.register(u.spec(), u.risks()).exceptionally(e -> {
                    LOG.error("upstream {} unavailable: {}", u.spec().name(), rootMessage(e));
                    return null;
                }))
                .toList();
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                    .get(UPSTREAM_STARTUP_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.error("upstreams did not all connect within {}: {}", UPSTREAM_STARTUP_WAIT, rootMessage(e));
        }
    }

    private static OriginPolicy originPolicy(GatewayConfig config, int port) {
        if (!config.allowedHosts().isEmpty()) {
            Set<String> origins = new HashSet<>();
            for (String h : config.allowedHosts()) {
                origins.add("http://" + h);
                origins.add("https://" + h);
            }
            return new OriginPolicy(Set.copyOf(config.allowedHosts()), origins);
        }
        return OriginPolicy.loopback(port);
    }

    /** The member's audit id and key (created on first start); an unreadable or corrupt one refuses the start. */
    private static AuditSeal auditSeal(java.nio.file.Path stateDir) {
        try {
            return AuditSeal.loadOrCreate(stateDir);
        } catch (KeyFileException e) {
            throw new ConfigException("audit key: " + e.getMessage());
        }
    }

    /** The key identities' tokens are minted with: the configured file, else one of its own in the state dir. */
    private static SigningKey identityKey(IdentitySettings identity, java.nio.file.Path stateDir) {
        try {
            return identity.signingKeyFile().isPresent() ? KeyFiles.load(identity.signingKeyFile().get())
                    : KeyFiles.loadOrCreate(stateDir.resolve("identity.key"), stateDir.resolve("identity.pub"));
        } catch (KeyFileException e) {
            throw new ConfigException("identity.signingKeyFile: " + e.getMessage());
        }
    }

    private static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    public int port() {
        return server.actualPort();
    }

    public URI mcpUrl() {
        return URI.create(scheme + "://" + hostForUrl(host) + ":" + port() + "/mcp");
    }

    public URI baseUrl() {
        return URI.create(scheme + "://" + hostForUrl(host) + ":" + port());
    }

    public ClusterRevocations revocations() {
        return revocations;
    }

    public UpstreamRegistry upstreams() {
        return upstreams;
    }

    public SessionRegistry sessions() {
        return sessions;
    }

    /** Closes what the node acquired, in the reverse order: the agent port before the sessions, Vert.x last. */
    @Override
    public void close() {
        resources.close();
    }
}
