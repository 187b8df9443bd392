package dev.warrant.gateway.identity;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

/**
 * One exchange with an identity provider: a GET of a small JSON document, or a form POST to its token endpoint;
 * answered within a deadline, with a bounded body, no redirects. A server that never answers or drips bytes costs
 * at most the deadline, then the request is reset. Failures are {@link FetchFailed} with a short reason safe to
 * show a caller (no OS error wording).
 */
public final class BoundedFetch {

    /** The status and body of an answer that arrived in time and within the size bound. */
    public record Answer(int status, Buffer body) {
    }

    /** Why an exchange gave no answer; the message names the URL and the cause in words of our own. */
    public static class FetchFailed extends RuntimeException {
        public FetchFailed(String message) {
            super(message, null, false, false);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(BoundedFetch.class);

    private final Vertx vertx;
    private final Context context;
    private final HttpClient client;
    private final int maxBodyBytes;

    /** The caller's context when made on one, else a new event-loop context of its own. */
    public BoundedFetch(Vertx vertx, HttpClient client, int maxBodyBytes) {
        this.vertx = vertx;
        this.context = vertx.getOrCreateContext();
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
    }

    /**
     * Runs on this instance's own context: the response's handlers must be set on the thread and in the turn it
     * arrives on, or a small body can end before anyone reads it (a request sent from a non-Vert.x thread gets its
     * response callback a turn later).
     */
    public Future<Answer> get(URI uri, Duration timeout) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET);
        Promise<Answer> answer = Promise.promise();
        context.runOnContext(v -> send(uri, options, null, timeout, answer));
        return answer.future();
    }

    /**
     * POSTs {@code form} ({@code application/x-www-form-urlencoded}) with {@code authorization} as the
     * Authorization header (null: none), on this instance's context like {@link #get}.
     */
    public Future<Answer> postForm(URI uri, String authorization, Map<String, String> form, Duration timeout) {
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/x-www-form-urlencoded");
        if (authorization != null) {
            options.putHeader(HttpHeaders.AUTHORIZATION, authorization);
        }
        Promise<Answer> answer = Promise.promise();
        context.runOnContext(v -> send(uri, options, Buffer.buffer(form(form)), timeout, answer));
        return answer.future();
    }

    /** {@code name=value&...}, form-encoded (RFC 6749 appendix B: UTF-8, space as {@code +}), in map order. */
    public static String form(Map<String, String> pairs) {
        return pairs.entrySet().stream().map(e -> formEncode(e.getKey()) + "=" + formEncode(e.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** One value, form-encoded as {@link #form} does. */
    public static String formEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private void send(URI uri, RequestOptions options, Buffer body, Duration timeout, Promise<Answer> answer) {
        long millis = Math.max(1, timeout.toMillis());
        AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
        long timer = vertx.setTimer(millis, id -> {
            if (answer.tryFail(new FetchFailed(uri + ": no answer within " + millis + " ms"))) {
                HttpClientRequest r = sent.get();
                if (r != null) {
                    r.reset();
                }
            }
        });
        options.setAbsoluteURI(uri.toString())
                .setFollowRedirects(false)
                .setConnectTimeout(millis)
                .putHeader(HttpHeaders.ACCEPT, "application/json");
        client.request(options)
                .compose(request -> {
                    sent.set(request);
                    if (answer.future().isComplete()) {
                        request.reset();
                    }
                    return body == null ? request.send() : request.send(body);
                })
                .compose(this::body)
                .onComplete(ar -> {
                    vertx.cancelTimer(timer);
                    if (ar.succeeded()) {
                        answer.tryComplete(ar.result());
                    } else {
                        Throwable cause = ar.cause();
                        LOG.debug("{} {} failed", options.getMethod(), uri, cause);
                        // The exception's type names the failure well enough; its message may carry OS wording.
                        answer.tryFail(cause instanceof FetchFailed f ? new FetchFailed(uri + ": " + f.getMessage())
                                : new FetchFailed(uri + ": connection failed (" + cause.getClass().getSimpleName() + ")"));
                    }
                });
    }

    /** Reads the body, resetting the request as soon as it is known to be too large. */
    private Future<Answer> body(HttpClientResponse response) {
        // A reset below fails the response too; that failure is already reported through the future.
        response.exceptionHandler(e -> { });
        String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length != null && tooLarge(length)) {
            response.request().reset();
            return Future.failedFuture(new FetchFailed("body larger than " + maxBodyBytes + " bytes"));
        }
        Promise<Answer> done = Promise.promise();
        Buffer body = Buffer.buffer();
        response.handler(chunk -> {
            if (body.length() + chunk.length() > maxBodyBytes) {
                if (done.tryFail(new FetchFailed("body larger than " + maxBodyBytes + " bytes"))) {
                    response.request().reset();
                }
                return;
            }
            body.appendBuffer(chunk);
        });
        response.exceptionHandler(e -> done.tryFail(new FetchFailed("answer broken off")));
        response.endHandler(v -> done.tryComplete(new Answer(response.statusCode(), body)));
        return done.future();
    }

    private boolean tooLarge(String contentLength) {
        try {
            return Long.parseLong(contentLength.trim()) > maxBodyBytes;
        } catch (NumberFormatException e) {
            return true;
        }
    }
}
