package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
    /** The top-level names, as read when the text was checked (so adding one never needs a parse). */
    private final List<String> names;
    private String text;
    private Map<String, Object> parsed;

    private RawJsonObject(String text, List<String> names, JsonMapper mapper) {
        this.text = text;
        this.names = names;
        this.mapper = mapper;
    }

    /**
     * {@code text}, one JSON object the parser has checked, kept as text when it is on one line. A line break
     * in valid JSON can only be whitespace between tokens (strings cannot hold a raw one), but SSE events and
     * stdio messages are framed by line breaks: such an object is parsed now and written out compact.
     */
    private static RawJsonObject of(String text, List<String> names, JsonMapper mapper) {
        RawJsonObject object = new RawJsonObject(text, names, mapper);
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
            RawJsonObject object = read(parser, text, mapper);
            if (parser.nextToken() != null) {
                throw new IOException("more than one JSON value");
            }
            return object;
        } catch (JacksonException e) {
            throw new IOException(e.getOriginalMessage(), e);
        }
    }

    /**
     * The object whose {@code START_OBJECT} is {@code parser}'s current token, kept as its text, which the parser
     * checks as it steps over each top-level value to the object's end (where it is left): the same scan as
     * skipping the whole object, which also yields the top-level names.
     */
    static RawJsonObject read(JsonParser parser, String text, JsonMapper mapper) {
        long start = parser.currentTokenLocation().getCharOffset();
        List<String> names = new ArrayList<>(4);
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            names.add(parser.currentName());
            parser.nextToken();
            parser.skipChildren();
        }
        long end = parser.currentLocation().getCharOffset();
        return of(text.substring((int) start, (int) end), names, mapper);
    }

    /** The object's JSON text as the upstream sent it, or null once anyone has read it as a map. */
    public String untouched() {
        return text;
    }

    /**
     * This object with one more top-level field, {@code name} with the value whose JSON text is {@code json}
     * (compact, valid JSON the caller wrote), still kept as text: the upstream's characters, then the new field.
     * Null when this object was read as a map or already has {@code name}; the caller then adds it to the map.
     * A gateway adding its {@code _meta} to a result relays the rest untouched this way.
     */
    public RawJsonObject withField(String name, String json) {
        if (text == null || names.contains(name) || !text.endsWith("}")) {
            return null;
        }
        String key = mapper.writeValueAsString(name);
        String joined = text.substring(0, text.length() - 1) + (names.isEmpty() ? "" : ",") + key + ":" + json + "}";
        List<String> more = new ArrayList<>(names);
        more.add(name);
        return new RawJsonObject(joined, more, mapper);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return map().entrySet();
    }

    // Overridden for speed only (AbstractMap would scan entrySet()). A name the text does not have is answered
    // from the names read with it, so asking a relayed result for a field it lacks (a 2025 upstream's resultType)
    // leaves it untouched; anything else reads the parsed map.
    @Override
    public Object get(Object key) {
        return text != null && !names.contains(key) ? null : map().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return text != null ? names.contains(key) : map().containsKey(key);
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
