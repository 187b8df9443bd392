package dev.warrant.gateway.approval;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Tells the approvers' webhooks ({@code approvals.webhooks}) of each call this member holds: one signed POST per
 * held call and webhook ({@link WebhookSignature}), retried with exponential backoff and jitter on a network error,
 * a timeout, 429 or 5xx, up to {@link Backoff#attempts()}; any other answer ends the delivery. Never blocks and
 * never touches the held call: a receiver that is down, slow or refusing costs the agent nothing. Outcomes are
 * logged (the receiver's origin only, its path may be secret) and counted in {@code warrant.approval.webhooks}.
 *
 * <p>Concurrency: a delivery runs on the Vert.x context it was started from (the held call's event loop) and
 * only through asynchronous calls and timers.
 */
public final class ApprovalWebhook implements ApprovalNotifier, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ApprovalWebhook.class);
    private static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("warrant.outcome");

    /**
     * When to try again: attempt n+1 follows a failed attempt n after {@code first * 2^(n-1)}, plus up to half
     * as much again at random (so receivers coming back are not hit by every member at once).
     */
    public record Backoff(int attempts, Duration first) {
        /** 5 attempts, waits of about 2, 4, 8 and 16 s (up to 45 s with jitter): a minute with timeouts. */
        public static final Backoff DEFAULT = new Backoff(5, Duration.ofSeconds(2));

        public Backoff {
            if (attempts < 1 || first.isNegative() || first.isZero()) {
                throw new IllegalArgumentException("at least one attempt and a positive first wait");
            }
        }

        long delayMillis(int failedAttempt) {
            long base = first.toMillis() << Math.min(failedAttempt - 1, 20);
            return base + ThreadLocalRandom.current().nextLong(base / 2 + 1);
        }
    }

    private record Hook(WebhookSettings settings, byte[] secret) {
    }

    private final Vertx vertx;
    private final List<Hook> hooks;
    private final ApprovalSettings settings;
    private final Supplier<String> consoleBase;
    private final Backoff backoff;
    private final Clock clock;
    private final HttpClient client;
    private final LongCounter outcomes;
    /** Set once by {@link #close()}: deliveries still waiting to retry then end quietly. */
    private volatile boolean closed;

    /**
     * @param consoleBase the member's own base URL (known once it listens), for links when
     *                    {@code approvals.consoleUrl} is not set
     * @throws dev.warrant.gateway.config.ConfigException when a secret file cannot be read (the start fails)
     */
    public ApprovalWebhook(Vertx vertx, ApprovalSettings settings, Supplier<String> consoleBase, Backoff backoff, Clock clock,
                           Meter meter) {
        this.vertx = vertx;
        this.settings = settings;
        this.consoleBase = consoleBase;
        this.backoff = backoff;
        this.clock = clock;
        this.hooks = settings.webhooks().stream().map(w -> new Hook(w, w.secret())).toList();
        // Redirects are not followed: the signature was made for this receiver. No receivers, no client.
        this.client = hooks.isEmpty() ? null
                : vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true).setKeepAlive(true));
        this.outcomes = meter.counterBuilder("warrant.approval.webhooks").setUnit("{attempt}")
                .setDescription("Webhook attempts for held calls, by outcome: delivered, retried, failed").build();
    }

    /** The JSON body a webhook receives for {@code pending}. */
    JsonObject body(PendingApproval p) {
        JsonObject json = new JsonObject().put("id", p.id()).put("caller", p.caller())
                .put("chain", new JsonArray(p.chain()));
        putIfPresent(json, "task", p.task());
        json.put("tool", p.tool());
        putIfPresent(json, "riskTier", p.riskTier());
        putIfPresent(json, "policy", p.policy());
        putIfPresent(json, "argumentDigest", p.argumentDigest());
        return json.put("createdAt", Instant.ofEpochMilli(p.createdAtMillis()).toString())
                .put("expiresAt", Instant.ofEpochMilli(p.expiresAtMillis()).toString())
                .put("link", settings.link(consoleBase.get(), p.id()));
    }

    @Override
    public void held(PendingApproval pending) {
        if (hooks.isEmpty()) {
            return;
        }
        Buffer body = body(pending).toBuffer();
        for (Hook hook : hooks) {
            attempt(hook, pending.id(), UUID.randomUUID().toString(), body, 1);
        }
    }

    private void attempt(Hook hook, String approvalId, String delivery, Buffer body, int n) {
        if (closed) {
            return;
        }
        send(hook, delivery, body).onComplete(ar -> {
            if (closed) {
                return;
            }
            Integer status = ar.succeeded() ? ar.result() : null;
            if (status != null && status >= 200 && status < 300) {
                count("delivered");
                LOG.debug("webhook {} told of approval {} (delivery {}, attempt {})", hook.settings().origin(),
                        approvalId, delivery, n);
                return;
            }
            String what = status != null ? "HTTP " + status : failure(ar.cause());
            boolean retriable = status == null || status == 429 || status >= 500;
            if (retriable && n < backoff.attempts()) {
                count("retried");
                long wait = backoff.delayMillis(n);
                LOG.info("webhook {} for approval {} failed ({}, attempt {}); retrying in {} ms",
                        hook.settings().origin(), approvalId, what, n, wait);
                vertx.setTimer(wait, t -> attempt(hook, approvalId, delivery, body, n + 1));
                return;
            }
            count("failed");
            LOG.warn("webhook {} was not told of approval {} ({} on attempt {}{}); approvers must look for it",
                    hook.settings().origin(), approvalId, what, n, retriable ? ", the last" : ", not retried");
        });
    }

    /** One POST; completes with the status, or fails on a network error or when {@code timeout} passes. */
    private Future<Integer> send(Hook hook, String delivery, Buffer body) {
        long millis = Math.max(1, hook.settings().timeout().toMillis());
        long timestamp = clock.instant().getEpochSecond();
        Promise<Integer> answer = Promise.promise();
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long timer = vertx.setTimer(millis, id -> {
            if (answer.tryFail(new WebhookTimeout())) {
                HttpClientRequest r = sent.get();
                if (r != null) {
                    r.reset();
                }
            }
        });
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .setAbsoluteURI(hook.settings().url().toString())
                .setFollowRedirects(false)
                .setConnectTimeout(millis)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.USER_AGENT, "Warrant-Webhook")
                .putHeader(WebhookSignature.DELIVERY_HEADER, delivery)
                .putHeader(WebhookSignature.TIMESTAMP_HEADER, Long.toString(timestamp))
                .putHeader(WebhookSignature.SIGNATURE_HEADER,
                        WebhookSignature.sign(hook.secret(), timestamp, body.getBytes()));
        Future<HttpClientRequest> requested;
        try {
            requested = client.request(options);
        } catch (RuntimeException e) {
            // The client closed under us (the member is stopping).
            vertx.cancelTimer(timer);
            return Future.failedFuture(e);
        }
        requested
                .compose(request -> {
                    sent.set(request);
                    if (answer.future().isComplete()) {
                        request.reset();
                    }
                    return request.send(body);
                })
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        // Only the status matters; the rest of the answer is read and dropped.
                        ar.result().exceptionHandler(e -> { });
                        ar.result().handler(chunk -> { });
                        answer.tryComplete(ar.result().statusCode());
                    } else {
                        answer.tryFail(ar.cause());
                    }
                });
        return answer.future();
    }

    /** Names a failure by its type: its message may carry the operating system's wording or the URL's path. */
    private static String failure(Throwable cause) {
        return cause instanceof WebhookTimeout ? "no answer in time" : cause.getClass().getSimpleName();
    }

    private void count(String outcome) {
        outcomes.add(1, Attributes.of(OUTCOME, outcome));
    }

    private static void putIfPresent(JsonObject json, String key, String value) {
        if (value != null) {
            json.put(key, value);
        }
    }

    /** Stackless: a timeout is an expected outcome. */
    private static final class WebhookTimeout extends RuntimeException {
        WebhookTimeout() {
            super("no answer in time", null, false, false);
        }
    }

    @Override
    public void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
