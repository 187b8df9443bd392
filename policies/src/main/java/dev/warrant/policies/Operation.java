package dev.warrant.policies;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What an agent asks to do, in MCP terms, before it becomes Datalog facts.
 *
 * <p>One type for listing and for calling (docs/ARCHITECTURE.md §4.2): a list is decided item by item with
 * {@code method = tools/list} and no arguments, so the same policy serves both.
 *
 * @param method    the MCP method (tools/call, tools/list, resources/read, ...)
 * @param kind      tool, resource, prompt or admin
 * @param server    the upstream server name (the namespace)
 * @param name      the tool or prompt name, or the resource URI
 * @param arguments call arguments as plain Java JSON (may be empty)
 * @param risk      the tool's risk tier, when known
 * @param peer      the mTLS peer identity of the connection, when there is one
 */
public record Operation(String method, String kind, String server, String name, Map<String, ?> arguments,
                        Optional<RiskTier> risk, Optional<String> peer) {

    public Operation {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(server, "server");
        Objects.requireNonNull(name, "name");
        arguments = arguments == null ? Map.of() : arguments;
        risk = risk == null ? Optional.empty() : risk;
        peer = peer == null ? Optional.empty() : peer;
    }

    public static Operation callTool(String server, String tool, Map<String, ?> arguments, RiskTier risk, Optional<String> peer) {
        return new Operation("tools/call", "tool", server, tool, arguments, Optional.ofNullable(risk), peer);
    }

    public static Operation listTool(String server, String tool, RiskTier risk, Optional<String> peer) {
        return new Operation("tools/list", "tool", server, tool, Map.of(), Optional.ofNullable(risk), peer);
    }

    /** A resource in a list ({@code resources/list}, {@code resources/templates/list}): no arguments. */
    public static Operation listResource(String method, String server, String uri, Optional<String> peer) {
        return new Operation(method, "resource", server, uri, Map.of(), Optional.empty(), peer);
    }

    /** An operation on one resource (resources/read, resources/subscribe, completion/complete, ...); name = the URI. */
    public static Operation resource(String method, String server, String uri, Optional<String> peer) {
        return new Operation(method, "resource", server, uri, Map.of(), Optional.empty(), peer);
    }

    public static Operation listPrompt(String server, String prompt, Optional<String> peer) {
        return new Operation("prompts/list", "prompt", server, prompt, Map.of(), Optional.empty(), peer);
    }

    /** An operation on one prompt (prompts/get with its arguments, completion/complete); arguments may be empty. */
    public static Operation prompt(String method, String server, String prompt, Map<String, ?> arguments,
                                   Optional<String> peer) {
        return new Operation(method, "prompt", server, prompt, arguments, Optional.empty(), peer);
    }

    public static Operation admin(String area, String action, Optional<String> peer) {
        return new Operation("admin", "admin", area, action, Map.of(), Optional.empty(), peer);
    }
}
