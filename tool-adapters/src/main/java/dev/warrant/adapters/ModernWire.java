package dev.warrant.adapters;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The names MCP 2026-07-28 puts on the wire for a client: the version, the {@code params._meta} envelope keys and
 * the routing headers, and how a header value that is not plain visible ASCII is encoded
 * (docs/research/mcp-2026-07-28.md §1, §3).
 */
final class ModernWire {

    static final String VERSION = "2026-07-28";

    static final String META_VERSION = "io.modelcontextprotocol/protocolVersion";
    static final String META_CAPABILITIES = "io.modelcontextprotocol/clientCapabilities";
    static final String META_CLIENT_INFO = "io.modelcontextprotocol/clientInfo";
    static final String META_LOG_LEVEL = "io.modelcontextprotocol/logLevel";
    static final String META_SERVER_INFO = "io.modelcontextprotocol/serverInfo";

    static final String HEADER_VERSION = "MCP-Protocol-Version";
    static final String HEADER_METHOD = "Mcp-Method";
    static final String HEADER_NAME = "Mcp-Name";
    static final String HEADER_PARAM_PREFIX = "Mcp-Param-";

    /** Methods whose {@code Mcp-Name} header mirrors a params field, and which field (core table plus tasks). */
    private static final Map<String, String> NAME_FIELDS = Map.of(
            "tools/call", "name",
            "prompts/get", "name",
            "resources/read", "uri",
            "tasks/get", "taskId",
            "tasks/update", "taskId",
            "tasks/cancel", "taskId");

    private static final Pattern SENTINEL = Pattern.compile("^=\\?base64\\?.*\\?=$", Pattern.DOTALL);

    private ModernWire() {
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
    static String encode(String value) {
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
}
