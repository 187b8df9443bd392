package dev.warrant.gateway.console;

import com.hazelcast.core.HazelcastInstance;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.record.AuditSink;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;

import java.time.Clock;
import java.util.Optional;

/**
 * The operator console at {@code /console/} (docs/ARCHITECTURE.md §12): server-rendered pages on the agent port,
 * behind the same admin rights as the admin API. This class only assembles the pages and their routes.
 */
public final class Console implements AutoCloseable {

    /** A form post is small: a token at most, or a reason. */
    private static final int MAX_FORM_BYTES = 64 * 1024;

    private final ConsoleGuard guard;
    private final ConsoleAudit audit;
    private final ConsoleSettings settings;
    private final Vertx vertx;
    private final Clock clock;
    private final ConsoleBackends backends;
    private final LoginPage login;
    /** Both null unless {@code console.signIn} is configured. */
    private final HttpClient idpClient;
    private final IdpSignIn idpSignIn;
    private final OpenStreams streams = new OpenStreams();

    /**
     * @param secure         the port serves TLS: cookies are Secure and {@code __Host-} ({@link ConsoleCookies})
     * @param maxTokenLength the longest token text the gateway reads anywhere
     * @param resource       the gateway's resource ({@code identity.resource}), for sign-in through the IdP
     * @throws dev.warrant.gateway.config.ConfigException when the IdP sign-in's client secret cannot be read
     */
    public Console(Vertx vertx, HazelcastInstance hazelcast, Authenticator authenticator, PolicyEngine engine,
                   ConsoleBackends backends, AuditSink audit, ConsoleSettings settings, boolean secure,
                   int maxTokenLength, Optional<String> resource, Clock clock) {
        this.vertx = vertx;
        this.backends = backends;
        this.settings = settings;
        IdpClient idp = null;
        if (settings.signIn().isPresent()) {
            // Its own client: the IdP's TLS and timeouts are nothing the upstreams' pool should share.
            HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setVerifyHost(true));
            try {
                idp = new IdpClient(vertx, client, settings.signIn().get(), resource.orElseThrow(() ->
                        new IllegalStateException("console.signIn without identity")));
            } catch (RuntimeException e) {
                client.close(); // a start that fails leaves nothing behind
                throw e;
            }
            this.idpClient = client;
        } else {
            this.idpClient = null;
        }
        this.audit = new ConsoleAudit(vertx, audit, clock);
        this.guard = new ConsoleGuard(authenticator, engine,
                new ConsoleSessions(vertx, hazelcast, settings, clock), secure, idp, this.audit);
        this.clock = clock;
        this.login = new LoginPage(guard, this.audit, settings, maxTokenLength);
        this.idpSignIn = idp == null ? null : new IdpSignIn(idp, login, guard.cookies());
    }

    public void routes(Router router) {
        BodyHandler forms = BodyHandler.create(false).setBodyLimit(MAX_FORM_BYTES);
        // Refusals raised by vertx-web itself on console routes (body too large, ...) are console pages too.
        router.route("/console/*").failureHandler(ConsoleErrors::routeFailure);
        router.route("/console/static/*").handler(ctx -> {
            SecurityHeaders.apply(ctx.response());
            ctx.next();
        }).handler(StaticHandler.create("console/static").setCachingEnabled(true).setMaxAgeSeconds(3600)
                .setDirectoryListing(false).setIncludeHidden(false));
        router.get("/console").handler(ctx -> Responses.redirect(ctx, "/console/"));
        router.get("/console/").handler(ctx -> Responses.redirect(ctx, ApprovalsPage.PATH));
        router.get(LoginPage.PATH).handler(login::form);
        if (idpSignIn != null) {
            router.get(IdpSignIn.START_PATH).handler(idpSignIn::start);
            router.get(IdpSignInSettings.CALLBACK_PATH).handler(idpSignIn::callback);
        }
        router.post(LoginPage.PATH).handler(forms).handler(login::signIn);
        router.post("/console/logout").handler(forms).handler(login::signOut);
        new ApprovalsPage(vertx, guard, backends.approvals(), audit, streams).routes(router, forms);
        new AuditPage(guard, backends.auditSearch(), settings.traceUrl()).routes(router);
        new RevokePage(vertx, guard, backends, audit, clock, backends.maxTokenTtl()).routes(router, forms);
        new InspectPage(vertx, guard, backends.inspection(), audit).routes(router, forms);
        new ClusterPage(guard, backends.status()).routes(router);
        // Last: any other console path is a console 404 page, not the MCP endpoint's JSON error.
        router.route("/console/*").handler(ctx -> ConsoleErrors.send(ctx,
                new ConsoleRefusal(ConsoleReason.NOT_FOUND, "no such console page")));
    }

    /** A revocation is new to this member: open live streams check their operators now, not at their heartbeat. */
    public void revoked() {
        streams.revoked();
    }

    @Override
    public void close() {
        // Sessions live in the cluster map and streams end with their connections: only the IdP client is ours.
        if (idpClient != null) {
            idpClient.close();
        }
    }
}
