package dev.warrant.adapters;

import static dev.warrant.adapters.HttpResponses.APPLICATION_JSON;
import static dev.warrant.adapters.HttpResponses.EVENT_STREAM;
import static dev.warrant.adapters.HttpResponses.contentType;
import static dev.warrant.adapters.HttpResponses.readBody;
import static dev.warrant.adapters.HttpResponses.rootMessage;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The POST of one {@link ModernCall} and its answer: a JSON body, or an event stream scoped to this request
 * (notifications about it, then its response). An HTTP error carrying a JSON-RPC error is that error; other HTTP
 * errors, a stream that ends unanswered (2026 has no resumption) or a lost connection fail the call.
 *
 * <p>Runs on the caller's event loop when that is one of the session's Vert.x instance, else on the session's home
 * context (see {@link HttpSession}); everything after {@link #start()} happens on that one context, which
 * {@link #abort()} hops to.
 */
final class ModernExchange {

    private static final Logger log = LoggerFactory.getLogger(ModernExchange.class);
    /** How much of an HTTP error body we read to find a JSON-RPC error in it. */
    private static final int MAX_ERROR_BODY_BYTES = 64 * 1024;

    private final HttpSession session;
    private final McpJsonMapper json;
    private final ModernCall call;
    private final String body;
    private final Map<String, String> headers;
    private volatile Context context;
    private volatile HttpClientRequest request;
    private volatile int status;

    /** @param headers the routing headers of this request ({@code Mcp-Method}, {@code Mcp-Name}, ...) */
    ModernExchange(HttpSession session, McpJsonMapper json, ModernCall call, String body, Map<String, String> headers) {
        this.session = session;
        this.json = json;
        this.call = call;
        this.body = body;
        this.headers = headers;
    }

    void start() {
        session.runNearCaller(this::post);
    }

    /** The HTTP status the upstream answered with, or 0 while (or if) none arrived. */
    int status() {
        return status;
    }

    /** Drops the POST (the call already completed): closing the stream is how 2026 cancels. Any thread. */
    void abort() {
        Context running = context;
        if (running != null) {
            running.runOnContext(v -> {
                HttpClientRequest sent = request;
                if (sent != null) {
                    sent.reset();
                }
            });
        } // else post() has not run yet, and will see the call done
    }

    private void post() {
        if (call.done()) {
            return;
        }
        context = Vertx.currentContext();
        session.client().request(session.modernPost(headers)).onComplete(created -> {
            if (created.failed()) {
                call.fail(unreachable(created.cause()));
                return;
            }
            HttpClientRequest sending = created.result();
            request = sending;
            if (call.done()) {
                sending.reset(); // aborted while the connection was being made
                return;
            }
            sending.send(body).onComplete(sent -> {
                if (sent.failed()) {
                    call.fail(unreachable(sent.cause()));
                } else {
                    onResponse(sent.result());
                }
            });
        });
    }

    private void onResponse(HttpClientResponse response) {
        status = response.statusCode();
        String type = contentType(response);
        if (status / 100 != 2) {
            onError(response);
        } else if (type.contains(EVENT_STREAM)) {
            readEvents(response);
        } else if (type.contains(APPLICATION_JSON)) {
            readBody(response, HttpChannel.MAX_MESSAGE_BYTES).onComplete(read -> {
                if (read.failed()) {
                    call.fail(session.unavailable("answer to " + what() + " failed: " + rootMessage(read.cause())));
                    return;
                }
                deliverAll(read.result().toString(StandardCharsets.UTF_8));
                if (!call.done()) {
                    call.fail(session.protocol("answered " + what() + " with JSON that is not its response"));
                }
            });
        } else {
            response.exceptionHandler(ignored -> { }); // the reset below is ours: nothing to report
            response.request().reset();
            call.fail(session.protocol("answered " + what() + " with Content-Type " + type));
        }
    }

    private void onError(HttpClientResponse response) {
        readBody(response, MAX_ERROR_BODY_BYTES).onComplete(read -> {
            if (read.succeeded() && contentType(response).contains(APPLICATION_JSON)) {
                for (JSONRPCMessage message : parseQuietly(read.result().toString(StandardCharsets.UTF_8))) {
                    // One request per POST: an error without an id (the server could not read ours) is ours too.
                    if (message instanceof JSONRPCResponse answer && answer.error() != null
                            && (answer.id() == null || ours(answer))) {
                        answer(answer);
                        return;
                    }
                }
            }
            call.fail(session.unavailable("answered " + what() + " with HTTP " + status));
        });
    }

    private void readEvents(HttpClientResponse response) {
        SseParser parser = new SseParser(HttpChannel.MAX_MESSAGE_BYTES, event -> {
            if ("message".equals(event.type()) && !event.data().isBlank()) {
                deliverAll(event.data());
            }
        });
        AtomicBoolean ended = new AtomicBoolean();
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (SseParser.EventTooLargeException e) {
                if (ended.compareAndSet(false, true)) {
                    response.request().reset();
                    call.fail(session.protocol("sent an event larger than " + HttpChannel.MAX_MESSAGE_BYTES
                            + " bytes for " + what()));
                }
            }
        });
        response.exceptionHandler(error -> {
            if (ended.compareAndSet(false, true)) {
                call.fail(session.unavailable("response stream of " + what() + " failed: " + rootMessage(error)));
            }
        });
        response.endHandler(v -> {
            if (ended.compareAndSet(false, true) && !call.done()) {
                call.fail(session.unavailable("ended the response stream of " + what() + " without answering"));
            }
        });
    }

    private void deliverAll(String text) {
        List<JSONRPCMessage> messages = parseQuietly(text);
        if (messages.isEmpty()) {
            log.warn("upstream {} sent a message that is not JSON-RPC, skipped: {}", session.name(),
                    text.length() <= 200 ? text : text.substring(0, 200) + "...");
        }
        for (JSONRPCMessage message : messages) {
            if (message instanceof JSONRPCResponse response) {
                if (ours(response)) {
                    answer(response);
                } else {
                    log.debug("upstream {}: response to {} on the stream of {}, dropped", session.name(),
                            response.id(), what());
                }
            } else if (message instanceof JSONRPCNotification notification) {
                call.notification(new JsonRpcNotification(notification.method(),
                        ProgressTokens.asMap(notification.params())));
            } else {
                // A 2026 server asks through input_required results; it has no way to receive our answer.
                log.debug("upstream {} sent a request on the stream of {}, ignored", session.name(), what());
            }
        }
    }

    private boolean ours(JSONRPCResponse response) {
        return response.id() != null && call.upstreamId().equals(String.valueOf(response.id()));
    }

    private void answer(JSONRPCResponse response) {
        JSONRPCError error = response.error();
        if (error != null) {
            call.fail(UpstreamException.errorResponse(error.code(), error.message(), error.data()));
        } else if (response.result() instanceof Map) {
            call.complete(ProgressTokens.asMap(response.result()));
        } else {
            call.fail(session.protocol("answered " + what() + " with a non-object result"));
        }
    }

    private List<JSONRPCMessage> parseQuietly(String text) {
        try {
            return JsonRpcMessages.parseAll(json, text);
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
    }

    private UpstreamException unreachable(Throwable cause) {
        return session.unavailable(session.closed() ? "was closed" : "unreachable: " + rootMessage(cause));
    }

    private String what() {
        return call.method() + " " + call.upstreamId();
    }
}
