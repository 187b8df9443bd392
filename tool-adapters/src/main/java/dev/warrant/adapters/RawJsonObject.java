package dev.warrant.adapters;

import io.modelcontextprotocol.json.McpJsonDefaults;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
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
    private static final String META = "_meta";

    private final JsonMapper mapper;
    /** What the parser saw as it checked the text, so that reading a name or adding a {@code _meta} entry needs no parse. */
    private final Outline outline;
    private String text;
    private Map<String, Object> parsed;

    /**
     * @param names     the top-level names, in order (a repeated name twice)
     * @param strings   the top-level names whose (last) value is a string, with it
     * @param metaClose the offset of the closing brace of the one top-level {@code _meta} object, or -1 (none,
     *                  not an object, or more than one)
     * @param metaNames that object's names
     */
    private record Outline(List<String> names, Map<String, String> strings, int metaClose, List<String> metaNames) {
    }

    private RawJsonObject(String text, Outline outline, JsonMapper mapper) {
        this.text = text;
        this.outline = outline;
        this.mapper = mapper;
    }

    /**
     * {@code text}, one JSON object the parser has checked, kept as text when it is on one line. A line break
     * in valid JSON can only be whitespace between tokens (strings cannot hold a raw one), but SSE events and
     * stdio messages are framed by line breaks: such an object is parsed now and written out compact.
     */
    private static RawJsonObject of(String text, Outline outline, JsonMapper mapper) {
        RawJsonObject object = new RawJsonObject(text, outline, mapper);
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
     * skipping the whole object, which also yields its {@link Outline}.
     */
    static RawJsonObject read(JsonParser parser, String text, JsonMapper mapper) {
        int start = (int) parser.currentTokenLocation().getCharOffset();
        List<String> names = new ArrayList<>(4);
        Map<String, String> strings = new HashMap<>(4);
        int metaClose = -1;
        List<String> metaNames = List.of();
        while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
            String name = parser.currentName();
            names.add(name);
            JsonToken value = parser.nextToken();
            if (value == JsonToken.VALUE_STRING) {
                strings.put(name, parser.getString());
            } else {
                strings.remove(name);
            }
            if (META.equals(name) && value == JsonToken.START_OBJECT) {
                metaNames = new ArrayList<>(4);
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    metaNames.add(parser.currentName());
                    parser.nextToken();
                    parser.skipChildren();
                }
                metaClose = (int) parser.currentTokenLocation().getCharOffset() - start;
            } else {
                parser.skipChildren();
            }
        }
        if (names.indexOf(META) != names.lastIndexOf(META)) {
            metaClose = -1; // two _meta objects: only a parse says which one counts
        }
        int end = (int) parser.currentLocation().getCharOffset();
        return of(text.substring(start, end), new Outline(names, strings, metaClose, metaNames), mapper);
    }

    /** The object's JSON text as the upstream sent it, or null once anyone has read it as a map. */
    public String untouched() {
        return text;
    }

    /**
     * This object with one more entry in its top-level {@code _meta} ({@code key} with the value whose JSON text is
     * {@code json}: compact, valid JSON the caller wrote), still kept as text: the upstream's characters with the
     * entry inserted before {@code _meta}'s closing brace, or with a {@code _meta} holding it appended. Null when
     * this object was read as a map, or its {@code _meta} already has {@code key} or is not one object; the caller
     * then changes the map. A gateway adding its own metadata to a result relays the rest untouched this way.
     */
    public RawJsonObject withMetaEntry(String key, String json) {
        if (text == null || !text.endsWith("}")) {
            return null;
        }
        String entry = quoted(key) + ":" + json;
        if (!outline.names().contains(META)) {
            String head = text.substring(0, text.length() - 1) + (outline.names().isEmpty() ? "" : ",") + "\"" + META
                    + "\":{";
            List<String> names = new ArrayList<>(outline.names());
            names.add(META);
            return new RawJsonObject(head + entry + "}}", new Outline(names, outline.strings(),
                    head.length() + entry.length(), List.of(key)), mapper);
        }
        int close = outline.metaClose();
        if (close < 0 || outline.metaNames().contains(key)) {
            return null;
        }
        String insert = (outline.metaNames().isEmpty() ? "" : ",") + entry;
        List<String> metaNames = new ArrayList<>(outline.metaNames());
        metaNames.add(key);
        return new RawJsonObject(text.substring(0, close) + insert + text.substring(close),
                new Outline(outline.names(), outline.strings(), close + insert.length(), metaNames), mapper);
    }

    /** {@code name} as a JSON string; a plain name (every key the gateway adds) needs no escaping, and no encoder. */
    private String quoted(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\' || c >= 0x7f) {
                return mapper.writeValueAsString(name);
            }
        }
        return '"' + name + '"';
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return map().entrySet();
    }

    // Overridden for speed only (AbstractMap would scan entrySet()). A name the text does not have, or whose value
    // is a string, is answered from the outline read with it, so asking a relayed result for its resultType (or a
    // 2025 upstream's, which has none) leaves it untouched; anything else reads the parsed map.
    @Override
    public Object get(Object key) {
        if (text != null && (!outline.names().contains(key) || outline.strings().containsKey(key))) {
            return outline.strings().get(key);
        }
        return map().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return text != null ? outline.names().contains(key) : map().containsKey(key);
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
