package dev.warrant.adapters;

import static dev.warrant.adapters.HttpResponses.EVENT_STREAM;
import static dev.warrant.adapters.HttpResponses.contentType;
import static dev.warrant.adapters.HttpResponses.rootMessage;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-lived {@code subscriptions/listen} POST of a 2026-07-28 upstream, for the list changes it offers or the
 * resources the gateway subscribed to: each {@code notifications/.../list_changed} or
 * {@code notifications/resources/updated} on it goes to the upstream's listeners, as the 2025 GET stream's do.
 * When the stream ends it is opened again with backoff (0.5 s doubling to 30 s, reset by an acknowledgement); the
 * revision replays nothing, so once a new stream is acknowledged after a lost one, every honoured list is announced
 * as changed (and every honoured resource as updated) and the gateway reads it again. A 4xx answer means the
 * upstream will not serve it: no retry. {@link #refilter} replaces the stream by one with another filter.
 *
 * <p>Its state is touched on the session's home context only.
 */
final class ModernListen {

    private static final Logger log = LoggerFactory.getLogger(ModernListen.class);
    private static final String METHOD = "subscriptions/listen";
    private static final String ACKNOWLEDGED = "notifications/subscriptions/acknowledged";
    static final String RESOURCE_UPDATED = "notifications/resources/updated";
    static final String RESOURCE_SUBSCRIPTIONS = "resourceSubscriptions";
    private static final long RETRY_MIN_MILLIS = 500;
    /** The filter keys of the revision, and the notification each one asks for. */
    private static final Map<String, String> CHANGES = Map.of(
            "toolsListChanged", "notifications/tools/list_changed",
            "promptsListChanged", "notifications/prompts/list_changed",
            "resourcesListChanged", "notifications/resources/list_changed");

    private final HttpSession session;
    private final McpJsonMapper json;
    private final Consumer<JsonRpcNotification> changes;
    private final Consumer<Map<String, Object>> acknowledgements;
    private Map<String, Object> filter;
    private HttpClientRequest listening;
    private long streams;
    private long retryMillis = RETRY_MIN_MILLIS;
    /** A stream was lost: announce every list once the next one is acknowledged. */
    private boolean lost;
    private boolean stopped;

    /** @param filter the {@code params.notifications} to ask for; @param changes receives each list change */
    ModernListen(HttpSession session, McpJsonMapper json, Map<String, Object> filter,
            Consumer<JsonRpcNotification> changes) {
        this(session, json, filter, changes, honoured -> { });
    }

    /** @param acknowledgements receives what each new stream honours, once it is acknowledged */
    ModernListen(HttpSession session, McpJsonMapper json, Map<String, Object> filter,
            Consumer<JsonRpcNotification> changes, Consumer<Map<String, Object>> acknowledgements) {
        this.session = session;
        this.json = json;
        this.filter = filter;
        this.changes = changes;
        this.acknowledgements = acknowledgements;
    }

    /** Replaces the stream by one asking for {@code filter}; the old one is closed at once. */
    void refilter(Map<String, Object> newFilter) {
        session.run(() -> {
            filter = newFilter;
            // Updates between the two streams are not replayed: announce what stays honoured once it is acknowledged.
            lost = true;
            retryMillis = RETRY_MIN_MILLIS;
            HttpClientRequest old = listening;
            listening = null;
            if (old != null) {
                old.reset();
            }
            listen();
        });
    }

    void start() {
        session.run(this::listen);
    }

    void stop() {
        session.run(() -> {
            stopped = true;
            if (listening != null) {
                listening.reset();
                listening = null;
            }
        });
    }

    private void listen() {
        if (stopped || session.closed() || listening != null) {
            return;
        }
        long generation = ++streams;
        String id = "listen-" + generation;
        String body;
        try {
            body = JsonRpcMessages.write(json, new JSONRPCRequest(METHOD, id,
                    ModernParams.of(Map.of("notifications", filter), null, null)));
        } catch (UpstreamException e) {
            log.warn("upstream {}: cannot write {}: {}", session.name(), METHOD, e.getMessage());
            return;
        }
        session.client().request(session.modernPost(Map.of(ModernWire.HEADER_METHOD, METHOD))).onComplete(created -> {
            if (created.failed()) {
                relisten("cannot be opened: " + rootMessage(created.cause()));
                return;
            }
            HttpClientRequest request = created.result();
            if (stopped || generation != streams) {
                request.reset(); // stopped, or refiltered while this one was being opened
                return;
            }
            listening = request;
            request.send(body).onComplete(sent -> {
                if (sent.failed()) {
                    ended(request, "failed: " + rootMessage(sent.cause()));
                } else {
                    onResponse(request, sent.result());
                }
            });
        });
    }

    private void onResponse(HttpClientRequest request, HttpClientResponse response) {
        int status = response.statusCode();
        if (status != 200 || !contentType(response).contains(EVENT_STREAM)) {
            response.exceptionHandler(ignored -> { });
            request.reset();
            if (status / 100 == 4) {
                listening = null;
                log.warn("upstream {} answered {} with HTTP {}: its list changes will not be heard", session.name(),
                        METHOD, status);
            } else {
                ended(request, "was answered with HTTP " + status);
            }
            return;
        }
        SseParser parser = new SseParser(HttpChannel.MAX_MESSAGE_BYTES, event -> {
            if ("message".equals(event.type()) && !event.data().isBlank() && listening == request) {
                onEvent(event.data());
            }
        });
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (SseParser.EventTooLargeException e) {
                request.reset();
            }
        });
        response.exceptionHandler(error -> ended(request, "failed: " + rootMessage(error)));
        response.endHandler(v -> ended(request, "ended"));
    }

    private void onEvent(String data) {
        JSONRPCMessage message;
        try {
            message = JsonRpcMessages.parse(json, data);
        } catch (IOException | RuntimeException e) {
            log.warn("upstream {}: a {} event that is not JSON-RPC, skipped", session.name(), METHOD);
            return;
        }
        if (!(message instanceof JSONRPCNotification notification)) {
            return; // the response: the server ends the subscription, and the end handler opens the next
        }
        if (ACKNOWLEDGED.equals(notification.method())) {
            acknowledged(ProgressTokens.asMap(ProgressTokens.asMap(notification.params()).get("notifications")));
        } else if (CHANGES.containsValue(notification.method()) || RESOURCE_UPDATED.equals(notification.method())) {
            changes.accept(new JsonRpcNotification(notification.method(), ProgressTokens.asMap(notification.params())));
        }
    }

    private void acknowledged(Map<String, Object> honoured) {
        retryMillis = RETRY_MIN_MILLIS;
        // Announced before the acknowledgement is reported, so whoever waits for it sees them first.
        if (lost) {
            lost = false;
            announce(honoured);
        }
        acknowledgements.accept(honoured);
    }

    private void announce(Map<String, Object> honoured) {
        // Changes while no stream was open are not replayed: everything honoured may have changed.
        CHANGES.forEach((key, method) -> {
            if (Boolean.TRUE.equals(honoured.get(key))) {
                changes.accept(new JsonRpcNotification(method, Map.of()));
            }
        });
        if (honoured.get(RESOURCE_SUBSCRIPTIONS) instanceof List<?> uris) {
            for (Object uri : uris) {
                if (uri instanceof String u) {
                    changes.accept(new JsonRpcNotification(RESOURCE_UPDATED, Map.of("uri", u)));
                }
            }
        }
    }

    private void ended(HttpClientRequest request, String why) {
        if (listening != request) {
            return;
        }
        listening = null;
        relisten(why);
    }

    private void relisten(String why) {
        if (stopped || session.closed()) {
            return;
        }
        lost = true;
        long delay = retryMillis;
        retryMillis = Math.min(delay * 2, HttpChannel.STREAM_RETRY_MAX_MILLIS);
        log.debug("upstream {}: {} {}; listening again in {} ms", session.name(), METHOD, why, delay);
        session.later(delay, this::listen);
    }
}
