package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import java.io.IOException;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parses what an {@link HttpChannel} receives (a JSON body or an SSE event: one JSON-RPC message or a batch)
 * and hands each message to the inbound handler with the id of the request it relates to.
 */
final class HttpInbound {

    // The channel's logger, so its messages keep the category operators already configure.
    private static final Logger log = LoggerFactory.getLogger(HttpChannel.class);

    private final String upstream;
    private final McpJsonMapper json;
    private volatile MessageChannel.CorrelatedInbound handler = (message, related) -> { };

    HttpInbound(String upstream, McpJsonMapper json) {
        this.upstream = upstream;
        this.json = json;
    }

    void handler(MessageChannel.CorrelatedInbound handler) {
        this.handler = Objects.requireNonNull(handler, "inbound");
    }

    /**
     * Delivers the messages of one SSE event.
     *
     * @return whether one of them is the response to {@code requestId}
     */
    boolean deliverEvent(SseParser.Event event, Object requestId, String related) {
        if (!"message".equals(event.type()) || event.data().isBlank()) {
            return false; // other event types are not MCP messages; empty data is a resumability primer
        }
        return deliverAll(event.data(), requestId, related);
    }

    /**
     * Delivers every message in {@code text}; text that is not JSON-RPC is logged and skipped.
     *
     * @param requestId our request's id, or null for a notification or a response
     * @param related reported with each message
     * @return whether one of them is the response to {@code requestId}
     */
    boolean deliverAll(String text, Object requestId, String related) {
        List<JSONRPCMessage> messages;
        try {
            messages = parse(text);
        } catch (IOException | RuntimeException e) {
            log.warn("upstream {} sent a message that is not JSON-RPC, skipped: {}", upstream,
                    text.length() <= 200 ? text : text.substring(0, 200) + "...");
            return false;
        }
        boolean answered = false;
        for (JSONRPCMessage message : messages) {
            if (requestId != null && message instanceof JSONRPCResponse response
                    && requestId.equals(response.id())) {
                answered = true;
            }
            deliver(message, related);
        }
        return answered;
    }

    void deliver(JSONRPCMessage message, String related) {
        try {
            handler.accept(message, related);
        } catch (RuntimeException e) {
            log.warn("upstream {}: handling an inbound message failed", upstream, e);
        }
    }

    /** The messages in {@code text}, or none if it is not JSON-RPC. */
    List<JSONRPCMessage> parseQuietly(String text) {
        try {
            return parse(text);
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    /** One JSON-RPC message, or a batch (a JSON array) of them. */
    private List<JSONRPCMessage> parse(String text) throws IOException {
        return JsonRpcMessages.parseAll(json, text);
    }
}
