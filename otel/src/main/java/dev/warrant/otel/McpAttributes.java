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

    // Audit records exported as log records (docs/OBSERVABILITY.md, "Audit records as OpenTelemetry logs"): the
    // audit line's fields under the span attributes' names where a span has the same fact, Warrant's own otherwise.
    /** The event name of every exported audit record. */
    public static final String AUDIT_EVENT_NAME = "warrant.audit";
    /** The tool, resource or prompt the request named, as in the audit line's {@code target}. */
    public static final AttributeKey<String> WARRANT_TARGET = AttributeKey.stringKey("warrant.target");
    public static final AttributeKey<String> WARRANT_ARGUMENT_DIGEST = AttributeKey.stringKey("warrant.argument_digest");
    public static final AttributeKey<String> WARRANT_RISK_TIER = AttributeKey.stringKey("warrant.risk_tier");
    public static final AttributeKey<String> WARRANT_APPROVAL_ID = AttributeKey.stringKey("warrant.approval.id");
    public static final AttributeKey<String> WARRANT_APPROVER = AttributeKey.stringKey("warrant.approval.approver");
    public static final AttributeKey<String> WARRANT_APPROVER_REASON =
            AttributeKey.stringKey("warrant.approval.reason");
    public static final AttributeKey<List<String>> WARRANT_REVOCATION_IDS =
            AttributeKey.stringArrayKey("warrant.revocation_ids");
    public static final AttributeKey<Long> WARRANT_LATENCY_MICROS = AttributeKey.longKey("warrant.latency_us");
    public static final AttributeKey<String> WARRANT_CORRELATION_ID = AttributeKey.stringKey("warrant.correlation_id");
    /** The raw call arguments as JSON, only when {@code audit.includeArguments} is on. */
    public static final AttributeKey<String> WARRANT_ARGUMENTS = AttributeKey.stringKey("warrant.arguments");

    /** gen_ai.operation.name for tools/call. */
    public static final String OPERATION_EXECUTE_TOOL = "execute_tool";
}
