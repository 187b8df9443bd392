package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.jackson3.JacksonMcpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCMessage;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCNotification;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCRequest;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse;
import io.modelcontextprotocol.spec.McpSchema.JSONRPCResponse.JSONRPCError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads what an upstream sends into the SDK's JSON-RPC message records, in one pass, and writes what we send
 * (the one place every channel serializes a message and reports that it could not).
 *
 * <p>Why not {@code McpSchema.deserializeJsonRpcMessage}, which this replaces: it parses the text into a map
 * and then converts the map into the record with Jackson's {@code convertValue}, a second serialization and
 * parse of the whole message, on the gateway's event loop, per call (docs/ARCHITECTURE.md §11.1). The
 * rules are the SDK's: {@code method} and {@code id} make a request, {@code method} alone a notification,
 * {@code result} or {@code error} a response; anything else is not JSON-RPC.
 */
final class JsonRpcMessages {

    private static final TypeRef<Object> ANY = new TypeRef<>() { };

    private JsonRpcMessages() {
    }

    /** {@code message} as compact JSON (never a raw newline); a message that cannot be written is a protocol error. */
    static String write(McpJsonMapper json, JSONRPCMessage message) {
        try {
            return json.writeValueAsString(message);
        } catch (IOException e) {
            throw new UpstreamException(UpstreamException.Kind.PROTOCOL, "cannot serialize: " + e.getMessage());
        }
    }

    /** One message, or a batch (a JSON array) of them. */
    static List<JSONRPCMessage> parseAll(McpJsonMapper json, String text) throws IOException {
        JsonMapper mapper = streaming(json, text);
        if (mapper != null) {
            return List.of(readObject(mapper, text));
        }
        Object parsed = json.readValue(text, ANY);
        if (parsed instanceof List<?> batch) {
            List<JSONRPCMessage> messages = new ArrayList<>(batch.size());
            for (Object item : batch) {
                messages.add(fromJson(item));
            }
            return messages;
        }
        return List.of(fromJson(parsed));
    }

    /** Exactly one message (a batch is refused). */
    static JSONRPCMessage parse(McpJsonMapper json, String text) throws IOException {
        JsonMapper mapper = streaming(json, text);
        return mapper != null ? readObject(mapper, text) : fromJson(json.readValue(text, ANY));
    }

    /** A member's value read by the mapper's rules, without requiring it to be the last thing in the text. */
    private record ValueReader(JsonMapper mapper, ObjectReader reader) {
    }

    private static volatile ValueReader values;

    private static ObjectReader values(JsonMapper mapper) {
        ValueReader known = values;
        if (known == null || known.mapper() != mapper) {
            known = new ValueReader(mapper, mapper.readerFor(Object.class)
                    .without(DeserializationFeature.FAIL_ON_TRAILING_TOKENS));
            values = known;
        }
        return known.reader();
    }

    /** The Jackson mapper behind {@code json}, or null when the SDK was given another JSON library. */
    static JsonMapper jackson(McpJsonMapper json) {
        return json instanceof JacksonMcpJsonMapper jackson ? jackson.getJsonMapper() : null;
    }

    /** The Jackson mapper to read {@code text} with {@link #readObject}, or null to read it as a tree. */
    private static JsonMapper streaming(McpJsonMapper json, String text) {
        JsonMapper mapper = jackson(json);
        if (mapper == null) {
            return null;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return c == '{' ? mapper : null;
            }
        }
        return null;
    }

    /**
     * One JSON object read token by token, the same map as the tree reader gives except that an object
     * {@code result} is kept as its text ({@link RawJsonObject}): the parser checks it as it skips it, and a
     * gateway that relays it untouched writes those characters instead of a tree it built and serialized.
     * Parse and re-serialization grow with the result, the skip stays a scan (docs/PERFORMANCE-HISTORY.md).
     */
    static JSONRPCMessage readObject(JsonMapper mapper, String text) throws IOException {
        try (JsonParser parser = mapper.createParser(text)) {
            parser.nextToken();
            Map<String, Object> fields = new LinkedHashMap<>();
            JsonToken token = parser.nextToken();
            for (; token == JsonToken.PROPERTY_NAME; token = parser.nextToken()) {
                String name = parser.currentName();
                if (parser.nextToken() == JsonToken.START_OBJECT && "result".equals(name)) {
                    fields.put(name, RawJsonObject.read(parser, text, mapper));
                } else {
                    fields.put(name, values(mapper).readValue(parser));
                }
            }
            if (token != JsonToken.END_OBJECT || parser.nextToken() != null) {
                throw new IOException("not one JSON object");
            }
            return fromJson(fields);
        } catch (JacksonException e) {
            throw new IOException(e.getOriginalMessage(), e);
        }
    }

    static JSONRPCMessage fromJson(Object parsed) {
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a JSON-RPC message must be a JSON object");
        }
        String version = map.get("jsonrpc") instanceof String s ? s : null;
        if (map.containsKey("method")) {
            if (!(map.get("method") instanceof String method)) {
                throw new IllegalArgumentException("method must be a string");
            }
            return map.containsKey("id") ? new JSONRPCRequest(version, method, map.get("id"), map.get("params"))
                    : new JSONRPCNotification(version, method, map.get("params"));
        }
        if (map.containsKey("result") || map.containsKey("error")) {
            return new JSONRPCResponse(version, map.get("id"), map.get("result"), error(map.get("error")));
        }
        throw new IllegalArgumentException("neither a request, a notification nor a response");
    }

    private static JSONRPCError error(Object error) {
        if (error == null) {
            return null;
        }
        if (!(error instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("error must be an object");
        }
        Object code = map.get("code");
        Integer number;
        if (code == null) {
            number = null;
        } else if (code instanceof Integer i) {
            number = i;
        } else if (code instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                && n.doubleValue() >= Integer.MIN_VALUE && n.doubleValue() <= Integer.MAX_VALUE) {
            number = n.intValue();
        } else {
            throw new IllegalArgumentException("error.code must be an integer");
        }
        Object message = map.get("message");
        return new JSONRPCError(number, message == null ? null : String.valueOf(message), map.get("data"));
    }
}
