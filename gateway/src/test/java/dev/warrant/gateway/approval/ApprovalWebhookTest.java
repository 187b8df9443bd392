package dev.warrant.gateway.approval;

import io.opentelemetry.api.OpenTelemetry;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * ApprovalWebhook against a real Vert.x HTTP receiver on loopback that answers from a script: what it sends, how
 * it signs, and which answers it retries (with waits that grow) or gives up on.
 */
class ApprovalWebhookTest {

    private static final String SECRET = "whsec-test-0123456789abcdef";
    /** Short waits for the test: 200 ms, then 400 ms, 800 ms, ... each plus up to half as much. */
    private static final ApprovalWebhook.Backoff FAST = new ApprovalWebhook.Backoff(5, Duration.ofMillis(200));

    @TempDir
    Path dir;

    private Vertx vertx;
    private HttpServer receiver;
    private final Deque<Integer> script = new ArrayDeque<>();
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private ApprovalWebhook webhook;

    private record Received(MultiMap headers, byte[] body, long nanos) {
        JsonObject json() {
            return new JsonObject(new String(body, StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        receiver = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            received.add(new Received(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()), body.getBytes(),
                    System.nanoTime()));
            Integer status;
            synchronized (script) {
                status = script.isEmpty() ? 200 : script.poll();
            }
            req.response().setStatusCode(status).end("{}");
        })).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        Path secret = Files.writeString(dir.resolve("hook.key"), SECRET + "\n");
        WebhookSettings hook = new WebhookSettings(
                URI.create("http://127.0.0.1:" + receiver.actualPort() + "/hooks/warrant"), secret, Duration.ofSeconds(5));
        webhook = new ApprovalWebhook(vertx, new ApprovalSettings(false,
                Optional.of(URI.create("https://warrant.example.org")), List.of(hook)),
                () -> "http://127.0.0.1:1", FAST, Clock.systemUTC(), OpenTelemetry.noop().getMeter("test"));
    }

    @AfterEach
    void stop() throws Exception {
        webhook.close();
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private static PendingApproval pending(String id) {
        return new PendingApproval(id, "planner", List.of("root", "planner"), List.of("ab01"), null,
                "notes__write_note", "sha256:0f", 1_764_000_000_000L, 1_764_000_300_000L, "member-a",
                PendingApproval.Status.PENDING, null, "high", "allow if right(\"tool\", $u, $t)", "{\"text\":\"secret\"}",
                null);
    }

    private void answer(Integer... statuses) {
        synchronized (script) {
            script.addAll(List.of(statuses));
        }
    }

    private void hold(PendingApproval p) {
        vertx.runOnContext(v -> webhook.held(p));
    }

    @Test
    void oneSignedPostNamingTheCallAndLinkingToTheConsole() {
        hold(pending("a-1"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        Received r = received.get(0);
        assertThat(r.headers().get("Content-Type")).isEqualTo("application/json");
        assertThat(r.headers().get(WebhookSignature.DELIVERY_HEADER)).matches("[0-9a-f-]{36}");
        assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8),
                r.headers().get(WebhookSignature.SIGNATURE_HEADER), r.headers().get(WebhookSignature.TIMESTAMP_HEADER),
                r.body(), Instant.now(), Duration.ofMinutes(5))).isTrue();
        JsonObject body = r.json();
        assertThat(body.getString("id")).isEqualTo("a-1");
        assertThat(body.getString("caller")).isEqualTo("planner");
        assertThat(body.getJsonArray("chain").getList()).containsExactly("root", "planner");
        assertThat(body.getString("tool")).isEqualTo("notes__write_note");
        assertThat(body.getString("riskTier")).isEqualTo("high");
        assertThat(body.getString("policy")).isEqualTo("allow if right(\"tool\", $u, $t)");
        assertThat(body.getString("argumentDigest")).isEqualTo("sha256:0f");
        assertThat(body.getString("createdAt")).isEqualTo("2025-11-24T16:00:00Z");
        assertThat(body.getString("expiresAt")).isEqualTo("2025-11-24T16:05:00Z");
        assertThat(body.getString("link")).isEqualTo("https://warrant.example.org/console/approvals/a-1");
        assertThat(body.containsKey("task")).isFalse();
        // Never the arguments themselves (a chat tool is a third party), never a token.
        assertThat(new String(r.body(), StandardCharsets.UTF_8)).doesNotContain("secret\"").doesNotContain("arguments");
    }

    @Test
    void fiveHundredsAreRetriedWithGrowingWaitsUnderOneDeliveryId() {
        answer(503, 503, 200);
        hold(pending("a-2"));
        await().atMost(Duration.ofSeconds(15)).until(() -> received.size() == 3);
        // Delivered on the third attempt: nothing follows.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(received).extracting(r -> r.headers().get(WebhookSignature.DELIVERY_HEADER)).containsOnly(
                received.get(0).headers().get(WebhookSignature.DELIVERY_HEADER));
        assertThat(received).extracting(r -> r.json().getString("id")).containsOnly("a-2");
        // Each attempt is signed anew, and verifies.
        assertThat(received).allSatisfy(r -> assertThat(WebhookSignature.verify(SECRET.getBytes(StandardCharsets.UTF_8),
                r.headers().get(WebhookSignature.SIGNATURE_HEADER), r.headers().get(WebhookSignature.TIMESTAMP_HEADER),
                r.body(), Instant.now(), Duration.ofMinutes(5))).isTrue());
        // A timer never fires early: the waits are at least 200 ms, then at least 400 ms.
        long first = received.get(1).nanos() - received.get(0).nanos();
        long second = received.get(2).nanos() - received.get(1).nanos();
        assertThat(Duration.ofNanos(first)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        assertThat(Duration.ofNanos(second)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
    }

    @Test
    void tooManyRequestsIsRetried() {
        answer(429, 200);
        hold(pending("a-3"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 2);
        await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
    }

    @Test
    void aClientErrorIsNotRetried() {
        answer(400, 200);
        hold(pending("a-4"));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 1);
        // Longer than the first wait and its jitter (300 ms) with room to spare: no second attempt came.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        answer(500, 500, 500, 500, 500, 200);
        hold(pending("a-5"));
        // Waits of at least 200 + 400 + 800 + 1600 ms, at most half as much again.
        await().atMost(Duration.ofSeconds(20)).until(() -> received.size() == 5);
        await().during(Duration.ofMillis(3500)).atMost(Duration.ofSeconds(10)).until(() -> received.size() == 5);
    }
}
