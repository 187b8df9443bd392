package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * A JSON object an upstream sent, kept as the text it arrived in, so that a gateway relaying it untouched
 * (a {@code tools/call} result) can write those characters instead of building a tree and serializing it
 * again. Reading it as a map parses the text once, on first use; from then on the parsed map is the value:
 * {@link #untouched()} is null, and the map (and anything nested in it, which a reader may modify) is what a
 * writer must encode. So relaying the raw text is only ever possible for an object no code has looked into.
 *
 * <p>The text is valid JSON: it is exactly what the parser tokenized, skipped and checked as one object (see
 * {@link JsonRpcMessages}). Not thread-safe, like the maps it replaces; a message is handled on one thread.
 */
public final class RawJsonObject extends AbstractMap<String, Object> {

    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() { };

    private final JsonMapper mapper;
    private String text;
    private Map<String, Object> parsed;

    private RawJsonObject(String text, JsonMapper mapper) {
        this.text = text;
        this.mapper = mapper;
    }

    /**
     * {@code text}, one JSON object the parser has checked, kept as text when it is on one line. A line break
     * in valid JSON can only be whitespace between tokens (strings cannot hold a raw one), but SSE events and
     * stdio messages are framed by line breaks: such an object is parsed now and written out compact.
     */
    static RawJsonObject of(String text, JsonMapper mapper) {
        RawJsonObject object = new RawJsonObject(text, mapper);
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            object.map();
        }
        return object;
    }

    /**
     * {@code text} checked to be exactly one JSON object, kept as text (for tests and tools that hold JSON text
     * an upstream sent); anything else is refused.
     */
    public static RawJsonObject parse(String text) throws IOException {
        JsonMapper jackson = JsonRpcMessages.jackson(McpJsonDefaults.getMapper());
        JsonMapper mapper = jackson != null ? jackson : JsonMapper.builder().build();
        try (JsonParser parser = mapper.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("not a JSON object");
            }
            String object = objectText(parser, text);
            if (parser.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
            return of(object, mapper);
        } catch (JacksonException e) {
            throw new IOException(e.getOriginalMessage(), e);
        }
    }

    /**
     * The text of the object whose {@code START_OBJECT} is {@code parser}'s current token, which the parser
     * checks as it skips to the object's end (where it is left).
     */
    static String objectText(JsonParser parser, String text) {
        long start = parser.currentTokenLocation().getCharOffset();
        parser.skipChildren();
        long end = parser.currentLocation().getCharOffset();
        return text.substring((int) start, (int) end);
    }

    /** The object's JSON text as the upstream sent it, or null once anyone has read it as a map. */
    public String untouched() {
        return text;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return map().entrySet();
    }

    // Overridden for speed only (AbstractMap would scan entrySet()); each reads the parsed map.
    @Override
    public Object get(Object key) {
        return map().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return map().containsKey(key);
    }

    @Override
    public Object put(String key, Object value) {
        return map().put(key, value);
    }

    @Override
    public Object remove(Object key) {
        return map().remove(key);
    }

    @Override
    public int size() {
        return map().size();
    }

    private Map<String, Object> map() {
        if (parsed == null) {
            parsed = mapper.readValue(text, MAP);
            text = null;
        }
        return parsed;
    }
}
