package dev.warrant.adapters;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The names MCP 2026-07-28 puts on the wire: the version, the {@code params._meta} envelope keys and the routing
 * headers, which params field {@code Mcp-Name} mirrors, and how a header value that is not plain visible ASCII is
 * encoded and decoded (docs/research/mcp-2026-07-28.md §1, §3). One place for both sides of the gateway: the
 * adapters write them to 2026 upstreams, the gateway reads them from 2026 agents.
 */
public final class ModernWire {

    public static final String VERSION = "2026-07-28";

    public static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    public static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    public static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    public static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    public static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    /** The tasks extension's identifier, as it appears under {@code capabilities.extensions}. */
    public static final String TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

    public static final String HEADER_VERSION = "MCP-Protocol-Version";
    public static final String HEADER_METHOD = "Mcp-Method";
    public static final String HEADER_NAME = "Mcp-Name";
    public static final String HEADER_PARAM_PREFIX = "Mcp-Param-";

    /** Methods whose {@code Mcp-Name} header mirrors a params field, and which field (core table plus tasks). */
    private static final Map<String, String> NAME_FIELDS = Map.of(
            "tools/call", "name",
            "prompts/get", "name",
            "resources/read", "uri",
            "tasks/get", "taskId",
            "tasks/update", "taskId",
            "tasks/cancel", "taskId");

    private static final Pattern SENTINEL = Pattern.compile("^=\\?base64\\?.*\\?=$", Pattern.DOTALL);

    private static final String PREFIX = "=?base64?";
    private static final String SUFFIX = "?=";

    private ModernWire() {
    }

    /** The params field {@code Mcp-Name} mirrors for this method, or null when it has none. */
    public static String nameField(String method) {
        return NAME_FIELDS.get(method);
    }

    /** The {@code Mcp-Name} value for this request, encoded, or null when the method has none (or lacks the field). */
    static String nameHeader(String method, Map<String, Object> params) {
        String field = NAME_FIELDS.get(method);
        if (field == null || params == null || !(params.get(field) instanceof String value)) {
            return null;
        }
        return encode(value);
    }

    /**
     * {@code value} as a header value: as is when it is visible ASCII without surrounding spaces (and does not look
     * like the encoding itself), else {@code =?base64?<base64 of UTF-8>?=}.
     */
    public static String encode(String value) {
        boolean plain = value.isEmpty() || value.charAt(0) != ' ' && value.charAt(value.length() - 1) != ' ';
        for (int i = 0; plain && i < value.length(); i++) {
            char c = value.charAt(i);
            plain = c >= 0x20 && c <= 0x7E;
        }
        if (plain && !SENTINEL.matcher(value).matches()) {
            return value;
        }
        return "=?base64?" + Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8)) + "?=";
    }

    /**
     * What a client meant by a header value, or empty when it is not a valid encoding (bad or non-canonical base64,
     * bytes that are not UTF-8, or a plain value with characters a plain value cannot have): such a header can
     * never match a body.
     */
    public static Optional<String> decode(String header) {
        if (header == null) {
            return Optional.empty();
        }
        if (header.startsWith(PREFIX) && header.endsWith(SUFFIX) && header.length() >= PREFIX.length() + SUFFIX.length()) {
            String encoded = header.substring(PREFIX.length(), header.length() - SUFFIX.length());
            byte[] bytes;
            try {
                bytes = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
            // One value, one encoding: a header that re-encodes differently is not the client's encoding of it.
            if (!Base64.getEncoder().encodeToString(bytes).equals(encoded)) {
                return Optional.empty();
            }
            try {
                return Optional.of(StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(bytes)).toString());
            } catch (CharacterCodingException e) {
                return Optional.empty();
            }
        }
        for (int i = 0; i < header.length(); i++) {
            char c = header.charAt(i);
            if (c < 0x20 || c > 0x7E) {
                return Optional.empty();
            }
        }
        return Optional.of(header);
    }
}
