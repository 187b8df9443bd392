package dev.warrant.gateway.console;

import dev.warrant.delegation.AuthorizationLimits;
import dev.warrant.delegation.PolicySet;
import dev.warrant.gateway.ProcessPorts;
import dev.warrant.gateway.admin.AdminApi;
import dev.warrant.gateway.admin.OperatorApi;
import dev.warrant.gateway.auth.Authenticator;
import dev.warrant.gateway.auth.VerifiedTokenCache;
import dev.warrant.gateway.cluster.ClusterNode;
import dev.warrant.gateway.pipeline.TestTokens;
import dev.warrant.gateway.record.AuditRecord;
import dev.warrant.gateway.record.AuditSink;
import dev.warrant.policies.ArgumentLimits;
import dev.warrant.policies.PolicyEngine;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static dev.warrant.gateway.console.ConsoleClient.form;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A console answer waits for its audit line (docs/ARCHITECTURE.md §12.1): the console in front of a sink that
 * holds every line until the test lets it go. While the line is held, no answer; once it is written, the answer.
 * The real log writes a line in well under a millisecond, so a console that answered beside the write would pass
 * every test reading the log afterwards; only holding the line shows the order.
 */
class ConsoleAnswersAfterAuditTest {

    private static final TestTokens TOKENS = new TestTokens();
    /** How long an answer must stay away while its line is held; the console answers in milliseconds otherwise. */
    private static final Duration HELD = Duration.ofSeconds(1);

    private static final HeldAudit audit = new HeldAudit();
    private static Vertx vertx;
    private static ClusterNode node;
    private static Console console;
    private static HttpServer server;
    private static URI base;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        node = ClusterNode.start("console-audit-" + UUID.randomUUID(), "127.0.0.1", ProcessPorts.freePort(), List.of());
        Clock clock = Clock.systemUTC();
        Authenticator authenticator = new Authenticator(vertx, TOKENS.verifier,
                new VerifiedTokenCache(1_000, Duration.ofHours(1), clock), token -> false, clock, 8_192);
        PolicyEngine engine = new PolicyEngine(PolicySet.defaults(), AuthorizationLimits.defaults(),
                ArgumentLimits.defaults(), clock);
        // Sign-in, sign-out and the inspector's empty form touch none of the backends but the token lifetime.
        ConsoleBackends backends = new ConsoleBackends(null, null, null, null, null, null, Duration.ofHours(1));
        console = new Console(vertx, node.hazelcast(), authenticator, engine, backends, audit,
                ConsoleSettings.defaults(), false, 8_192, Optional.empty(), clock);
        Router router = Router.router(vertx);
        console.routes(router);
        server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
                .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        base = URI.create("http://127.0.0.1:" + server.actualPort());
    }

    @AfterAll
    static void stop() throws Exception {
        audit.releaseAll();
        if (console != null) {
            console.close();
        }
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void signInSignOutAndARefusalAnswerOnlyOnceTheirLineIsWritten() throws Exception {
        String admin = TOKENS.mint("alice", b -> b.right("admin", AdminApi.AREA, OperatorApi.INSPECT));
        ConsoleClient c = new ConsoleClient(base);

        c.get("/console/login");
        String csrf = c.csrf;
        CompletableFuture<HttpResponse<String>> signIn = send(() -> c.post("/console/login",
                form("token", admin, "csrf", csrf)));
        Held line = audit.next();
        assertThat(line.record().method()).isEqualTo("console/sign-in");
        assertThat(line.record().caller()).isEqualTo("alice");
        assertNoAnswerWhileHeld(signIn);
        line.release();
        assertThat(signIn.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(303);

        c.get("/console/inspect"); // a page that needs no backend, for its CSRF value
        String pageCsrf = c.csrf;
        CompletableFuture<HttpResponse<String>> signOut = send(() -> c.post("/console/logout",
                form("csrf", pageCsrf)));
        line = audit.next();
        assertThat(line.record().method()).isEqualTo("console/sign-out");
        assertNoAnswerWhileHeld(signOut);
        line.release();
        assertThat(signOut.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(303);

        // A refusal is evidence too: the token holds no console right.
        c.get("/console/login");
        String again = c.csrf;
        CompletableFuture<HttpResponse<String>> refused = send(() -> c.post("/console/login",
                form("token", TOKENS.mint("mallory"), "csrf", again)));
        line = audit.next();
        assertThat(line.record().method()).isEqualTo("console/sign-in");
        assertThat(line.record().decision()).isEqualTo("deny");
        assertNoAnswerWhileHeld(refused);
        line.release();
        assertThat(refused.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(403);
    }

    private static void assertNoAnswerWhileHeld(CompletableFuture<HttpResponse<String>> answer) {
        assertThatThrownBy(() -> answer.get(HELD.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(TimeoutException.class);
    }

    private interface Call {
        HttpResponse<String> send() throws Exception;
    }

    private static CompletableFuture<HttpResponse<String>> send(Call call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.send();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** One held line and the stage its writer would complete. */
    private record Held(AuditRecord record, CompletableFuture<Void> written) {
        void release() {
            written.complete(null);
        }
    }

    /** A sink whose lines are written only when the test says so. */
    private static final class HeldAudit implements AuditSink {
        private final LinkedBlockingQueue<Held> lines = new LinkedBlockingQueue<>();
        private final List<Held> all = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public CompletionStage<Void> record(AuditRecord record) {
            Held held = new Held(record, new CompletableFuture<>());
            all.add(held);
            lines.add(held);
            return held.written();
        }

        Held next() throws InterruptedException {
            Held held = lines.poll(10, TimeUnit.SECONDS);
            assertThat(held).as("an audit line within 10 s").isNotNull();
            return held;
        }

        void releaseAll() {
            all.forEach(Held::release);
        }
    }
}
