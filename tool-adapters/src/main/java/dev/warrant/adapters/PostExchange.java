package dev.warrant.adapters;

import static dev.warrant.adapters.HttpResponses.APPLICATION_JSON;
import static dev.warrant.adapters.HttpResponses.EVENT_STREAM;
import static dev.warrant.adapters.HttpResponses.contentType;
import static dev.warrant.adapters.HttpResponses.readBody;
import static dev.warrant.adapters.HttpResponses.rootMessage;

import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One POSTed message and what its response must do: 202/204/empty completes the send; a JSON body or an SSE
 * stream is delivered, each message with the id of the request whose POST carried it; a stream that ends
 * without answering our request is resumed with {@code Last-Event-ID} if the server gave event ids, else the
 * send fails; an HTTP error is mapped to the send's failure (or to the JSON-RPC error it carries).
 *
 * <p>Used on the channel's context only (see {@link HttpChannel}).
 */
final class PostExchange {

    /** How much of an HTTP error body we read to find a JSON-RPC error in it. */
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;
    /** Resumptions of one POST stream without an answer before the send fails. */
    private static final int MAX_RESUMES = 5;

    private final HttpSession session;
    private final HttpInbound inbound;
    private final JSONRPCMessage message;
    private final CompletableFuture<Void> sent;
    /** Our request's id, or null for a notification or a response. */
    private final Object requestId;
    /** Reported with each inbound message of this exchange's streams. */
    private final String related;
    private boolean answered;
    private String lastEventId;
    private long retryMillis = -1;
    private int resumes;

    PostExchange(HttpSession session, HttpInbound inbound, JSONRPCMessage message, CompletableFuture<Void> sent) {
        this.session = session;
        this.inbound = inbound;
        this.message = message;
        this.sent = sent;
        this.requestId = message instanceof JSONRPCRequest request ? request.id() : null;
        // initialize: before the session exists nothing can belong to a call (as with the SDK transport).
        this.related = message instanceof JSONRPCRequest request && !"initialize".equals(request.method())
                ? String.valueOf(request.id()) : null;
    }

    /** POSTs {@code body}, the serialized message. */
    void post(String body) {
        String sentSession = session.id();
        RequestOptions options = session.request(HttpMethod.POST, sentSession)
                .putHeader("Content-Type", APPLICATION_JSON)
                .putHeader("Accept", APPLICATION_JSON + ", " + EVENT_STREAM);
        session.client().request(options).compose(request -> request.send(body)).onComplete(result -> {
            if (result.failed()) {
                fail(session.unavailable(session.closed() ? "was closed"
                        : "unreachable: " + rootMessage(result.cause())));
            } else {
                onResponse(sentSession, result.result());
            }
        });
    }

    private String what() {
        return message instanceof JSONRPCRequest request ? request.method() + " " + request.id()
                : message instanceof JSONRPCNotification notification ? notification.method() : "a response";
    }

    private void fail(UpstreamException error) {
        sent.completeExceptionally(error);
    }

    private void onResponse(String sentSession, HttpClientResponse response) {
        int status = response.statusCode();
        String type = contentType(response);
        if (status / 100 != 2) {
            onError(sentSession, response);
            return;
        }
        session.adopt(response.getHeader("Mcp-Session-Id"));
        if (status == 202 || status == 204 || type.isEmpty() || "0".equals(response.getHeader("Content-Length"))) {
            sent.complete(null);
        } else if (type.contains(EVENT_STREAM)) {
            readEvents(response);
        } else if (type.contains(APPLICATION_JSON)) {
            readBody(response, HttpChannel.MAX_MESSAGE_BYTES).onComplete(body -> {
                if (body.failed()) {
                    fail(session.unavailable("response to " + what() + " failed: " + rootMessage(body.cause())));
                    return;
                }
                if (inbound.deliverAll(body.result().toString(StandardCharsets.UTF_8), requestId, related)) {
                    answered = true;
                }
                if (requestId != null && !answered) {
                    fail(session.protocol("answered " + what() + " with JSON that is not its response"));
                } else {
                    sent.complete(null);
                }
            });
        } else {
            response.exceptionHandler(ignored -> { }); // the reset below is ours: nothing to report
            response.request().reset();
            fail(session.protocol("answered " + what() + " with Content-Type " + type));
        }
    }

    private void onError(String sentSession, HttpClientResponse response) {
        int status = response.statusCode();
        if (status == 404 && sentSession != null) {
            session.lost();
            fail(session.unavailable("no longer knows our session"));
            return;
        }
        readBody(response, MAX_ERROR_BODY_BYTES).onComplete(body -> {
            String detail = "";
            if (body.succeeded() && contentType(response).contains(APPLICATION_JSON) && requestId != null) {
                List<JSONRPCMessage> messages = inbound.parseQuietly(body.result().toString(StandardCharsets.UTF_8));
                for (JSONRPCMessage message : messages) {
                    if (message instanceof JSONRPCResponse answer && answer.error() != null) {
                        if (requestId.equals(answer.id())) {
                            // The server's own JSON-RPC error for our request tells the caller more than a status.
                            inbound.deliver(answer, related);
                            sent.complete(null);
                            return;
                        }
                        detail = ": " + answer.error().message();
                    }
                }
            }
            fail(session.unavailable("answered " + what() + " with HTTP " + status + detail));
        });
    }

    /** Reads one POST (or resumed) event stream to its end, then completes, resumes or fails the send. */
    private void readEvents(HttpClientResponse response) {
        SseParser parser = new SseParser(HttpChannel.MAX_MESSAGE_BYTES, event -> {
            if (inbound.deliverEvent(event, requestId, related)) {
                answered = true;
            }
        });
        AtomicBoolean ended = new AtomicBoolean();
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (SseParser.EventTooLargeException e) {
                if (ended.compareAndSet(false, true)) {
                    response.request().reset();
                    fail(session.protocol("sent an event larger than " + HttpChannel.MAX_MESSAGE_BYTES
                            + " bytes for " + what()));
                }
            }
        });
        response.exceptionHandler(error -> {
            if (ended.compareAndSet(false, true)) {
                streamEnded(parser, "its response stream failed: " + rootMessage(error));
            }
        });
        response.endHandler(v -> {
            if (ended.compareAndSet(false, true)) {
                streamEnded(parser, "it ended the response stream without answering");
            }
        });
    }

    private void streamEnded(SseParser parser, String why) {
        if (parser.lastEventId() != null) {
            lastEventId = parser.lastEventId();
        }
        if (parser.retryMillis() >= 0) {
            retryMillis = parser.retryMillis();
        }
        if (requestId == null || answered) {
            sent.complete(null);
        } else if (session.closed()) {
            fail(session.unavailable("was closed"));
        } else if (lastEventId != null && resumes < MAX_RESUMES) {
            // The server may close a stream it gave event ids and expect us to resume it (spec 2025-11-25).
            resumes++;
            long delay = Math.min(Math.max(retryMillis, 1), HttpChannel.STREAM_RETRY_MAX_MILLIS);
            session.later(delay, this::resume);
        } else {
            fail(session.unavailable(why + " " + what()));
        }
    }

    private void resume() {
        String sentSession = session.id();
        RequestOptions options = session.request(HttpMethod.GET, sentSession).putHeader("Accept", EVENT_STREAM)
                .putHeader("Last-Event-ID", lastEventId);
        session.client().request(options).compose(HttpClientRequest::send).onComplete(result -> {
            if (result.failed()) {
                fail(session.unavailable("cannot resume the stream of " + what() + ": "
                        + rootMessage(result.cause())));
                return;
            }
            HttpClientResponse response = result.result();
            if (response.statusCode() == 200 && contentType(response).contains(EVENT_STREAM)) {
                readEvents(response);
                return;
            }
            if (response.statusCode() == 404 && sentSession != null) {
                session.lost();
            }
            fail(session.unavailable("answered the resumption of " + what() + " with HTTP "
                    + response.statusCode()));
        });
    }
}
