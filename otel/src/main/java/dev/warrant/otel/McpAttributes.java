package dev.warrant.otel;

import io.opentelemetry.api.common.AttributeKey;

import java.util.List;

/**
 * Attribute names: the OpenTelemetry MCP semantic conventions plus Warrant's own. One place, so that
 * spans, metrics and the audit log cannot drift apart.
 */
public final class McpAttributes {

    private McpAttributes() {
    }

    // OTel semantic conventions for MCP / GenAI / JSON-RPC.
    public static final AttributeKey<String> MCP_METHOD_NAME = AttributeKey.stringKey("mcp.method.name");
    public static final AttributeKey<String> MCP_SESSION_ID = AttributeKey.stringKey("mcp.session.id");
    public static final AttributeKey<String> MCP_PROTOCOL_VERSION = AttributeKey.stringKey("mcp.protocol.version");
    public static final AttributeKey<String> GEN_AI_TOOL_NAME = AttributeKey.stringKey("gen_ai.tool.name");
    public static final AttributeKey<String> GEN_AI_OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    public static final AttributeKey<String> JSONRPC_REQUEST_ID = AttributeKey.stringKey("jsonrpc.request.id");
    public static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    public static final AttributeKey<String> NETWORK_TRANSPORT = AttributeKey.stringKey("network.transport");
    public static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");

    // Warrant.
    public static final AttributeKey<String> WARRANT_CALLER = AttributeKey.stringKey("warrant.caller");
    public static final AttributeKey<List<String>> WARRANT_CHAIN = AttributeKey.stringArrayKey("warrant.delegation.chain");
    public static final AttributeKey<Long> WARRANT_DEPTH = AttributeKey.longKey("warrant.delegation.depth");
    public static final AttributeKey<String> WARRANT_TASK = AttributeKey.stringKey("warrant.task");
    /** A token minted for an identity provider's JWT: the identity it was minted for (issue 18). */
    public static final AttributeKey<String> WARRANT_IDENTITY_ISSUER = AttributeKey.stringKey("warrant.identity.issuer");
    public static final AttributeKey<String> WARRANT_IDENTITY_SUBJECT = AttributeKey.stringKey("warrant.identity.subject");
    public static final AttributeKey<String> WARRANT_DECISION = AttributeKey.stringKey("warrant.decision");
    public static final AttributeKey<String> WARRANT_REASON = AttributeKey.stringKey("warrant.reason");
    /**
     * The statement that decided, on the {@code authorize} span: the matched allow/deny policy or the failed
     * check, as {@code <policy file>:<line>: <text>} or {@code block <n>, check <m>: <text>}; absent when none did.
     */
    public static final AttributeKey<String> WARRANT_POLICY = AttributeKey.stringKey("warrant.policy");
    public static final AttributeKey<String> WARRANT_UPSTREAM = AttributeKey.stringKey("warrant.upstream");

    /** gen_ai.operation.name for tools/call. */
    public static final String OPERATION_EXECUTE_TOOL = "execute_tool";
}
