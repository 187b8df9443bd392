package dev.warrant.adapters;

import static dev.warrant.adapters.HttpResponses.EVENT_STREAM;
import static dev.warrant.adapters.HttpResponses.contentType;
import static dev.warrant.adapters.HttpResponses.rootMessage;

import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The GET stream for messages the server sends outside any request: opened once the session is initialized
 * (405: the server has none), reopened with backoff while the channel is open if it drops, resuming with
 * {@code Last-Event-ID}. Its messages relate to no request.
 *
 * <p>Its state is touched on the channel's context only (see {@link HttpChannel}).
 */
final class ServerStream {

    // The channel's logger, so its messages keep the category operators already configure.
    private static final Logger log = LoggerFactory.getLogger(HttpChannel.class);
    private static final long RETRY_MIN_MILLIS = 500;

    private final HttpSession session;
    private final HttpInbound inbound;
    private HttpClientRequest listening;
    private String lastEventId;
    private long retryMillis = RETRY_MIN_MILLIS;

    ServerStream(HttpSession session, HttpInbound inbound) {
        this.session = session;
        this.inbound = inbound;
    }

    /** Opens the stream unless it is open, the channel is closed or there is no session yet. */
    void listen() {
        String sentSession = session.id();
        if (session.closed() || sentSession == null || listening != null) {
            return;
        }
        RequestOptions options = session.request(HttpMethod.GET, sentSession).putHeader("Accept", EVENT_STREAM);
        if (lastEventId != null) {
            options.putHeader("Last-Event-ID", lastEventId);
        }
        session.client().request(options).onComplete(created -> {
            if (created.failed()) {
                relisten("cannot open: " + rootMessage(created.cause()));
                return;
            }
            HttpClientRequest request = created.result();
            listening = request;
            request.send().onComplete(result -> {
                if (result.failed()) {
                    listening = null;
                    relisten("failed: " + rootMessage(result.cause()));
                    return;
                }
                onResponse(request, sentSession, result.result());
            });
        });
    }

    /** Drops the stream (the channel is closing). */
    void stop() {
        if (listening != null) {
            listening.reset();
            listening = null;
        }
    }

    private void onResponse(HttpClientRequest request, String sentSession, HttpClientResponse response) {
        int status = response.statusCode();
        if (status != 200 || !contentType(response).contains(EVENT_STREAM)) {
            listening = null;
            if (status == 405) {
                log.debug("upstream {} offers no GET stream", session.name());
            } else if (status == 404 && sentSession != null) {
                session.lost();
            } else {
                relisten("answered HTTP " + status);
            }
            return;
        }
        retryMillis = RETRY_MIN_MILLIS;
        SseParser parser = new SseParser(HttpChannel.MAX_MESSAGE_BYTES,
                event -> inbound.deliverEvent(event, null, null));
        response.handler(chunk -> {
            try {
                parser.feed(chunk);
            } catch (SseParser.EventTooLargeException e) {
                log.warn("upstream {}: {} on the GET stream; reopening it", session.name(), e.getMessage());
                request.reset();
            }
        });
        Runnable ended = () -> {
            if (listening == request) {
                listening = null;
                lastEventId = parser.lastEventId() != null ? parser.lastEventId() : lastEventId;
                relisten("ended");
            }
        };
        response.exceptionHandler(error -> ended.run());
        response.endHandler(v -> ended.run());
    }

    private void relisten(String why) {
        if (session.closed()) {
            return;
        }
        long delay = retryMillis;
        retryMillis = Math.min(delay * 2, HttpChannel.STREAM_RETRY_MAX_MILLIS);
        log.debug("upstream {}: GET stream {}; reopening in {} ms", session.name(), why, delay);
        session.later(delay, this::listen);
    }
}
